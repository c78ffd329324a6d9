package io.pistil.arbiter;

import java.time.Duration;
import java.util.List;

import io.pistil.process.ExitStatus;

/**
 * What happens in an arbiter, in the order it happens: the hooks of gunicorn and pistil
 * as events. The Spring Boot integration publishes each one as an application event, so a
 * listener is an {@code @EventListener} method taking the record it wants.
 */
public sealed interface ArbiterEvent {

	/**
	 * The arbiter is starting, before any worker is spawned (gunicorn's on_starting,
	 * pistil's on_init).
	 */
	record ArbiterStarting(long pid, List<String> pools) implements ArbiterEvent {
	}

	/** Every pool runs its workers, all ready (when_ready). */
	record ArbiterReady(long pid) implements ArbiterEvent {
	}

	/** A worker is about to be spawned (pre_fork). */
	record WorkerSpawning(String pool, int number) implements ArbiterEvent {
	}

	/** A worker process has been spawned, arbiter side (post_fork). */
	record WorkerStarted(String pool, int number, long pid) implements ArbiterEvent {
	}

	/** A worker's context has started and it runs its worker (post_worker_init). */
	record WorkerReady(String pool, int number, long pid, Duration bootTime) implements ArbiterEvent {
	}

	/**
	 * A worker has been silent past its timeout: it is sent SIGQUIT, then SIGKILL
	 * (worker_abort).
	 */
	record WorkerTimedOut(String pool, int number, long pid, Duration silence) implements ArbiterEvent {
	}

	/** A worker process has ended and been reaped (child_exit, worker_exit). */
	record WorkerExited(String pool, int number, long pid, ExitStatus status, ExitCause cause) implements ArbiterEvent {
	}

	/** A pool's desired worker count changed (nworkers_changed). */
	record PoolResized(String pool, int oldCount, int newCount) implements ArbiterEvent {
	}

	/**
	 * A pool restarted its workers more than max-restarts times within its period and
	 * gave up: it runs no worker until it is reloaded or scaled. In a supervisor child,
	 * this ends the child, and its parent decides what follows (OTP's escalation).
	 */
	record PoolFailed(String pool, int restarts, Duration period) implements ArbiterEvent {
	}

	/** A rolling reload of these pools begins (on_reload). */
	record Reloading(List<String> pools) implements ArbiterEvent {
	}

	/** The arbiter begins to stop its workers. */
	record ArbiterStopping(long pid) implements ArbiterEvent {
	}

	/**
	 * The arbiter's loop ended on an unexpected failure: it stopped and reaped every
	 * worker and supervises nothing any more. The application should stop.
	 */
	record ArbiterFailed(long pid, Throwable failure) implements ArbiterEvent {
	}

	/** Every worker has stopped and been reaped (on_exit). */
	record ArbiterStopped(long pid) implements ArbiterEvent {
	}

}
