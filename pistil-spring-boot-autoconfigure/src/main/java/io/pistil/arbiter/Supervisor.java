package io.pistil.arbiter;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.PoolFailed;

/**
 * Decides what follows a worker's end, as Erlang/OTP's supervisor does: whether it is
 * restarted (its pool's restart type), how soon (exponential backoff), what else is
 * restarted with it (the strategy), and when the pool gives up (its restart intensity).
 * While the arbiter starts, a worker that cannot boot fails the start instead.
 */
final class Supervisor {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	/** Where a failure of the arbiter's start goes. */
	@FunctionalInterface
	interface StartFailure {

		void fail(RuntimeException failure);

	}

	private final Pools pools;

	private final Lifecycle lifecycle;

	private final Scaler scaler;

	private final RollingReload reload;

	private final Events events;

	private final Strategy strategy;

	private final StartFailure startFailure;

	Supervisor(Pools pools, Lifecycle lifecycle, Scaler scaler, RollingReload reload, Events events, Strategy strategy,
			StartFailure startFailure) {
		this.pools = pools;
		this.lifecycle = lifecycle;
		this.scaler = scaler;
		this.reload = reload;
		this.events = events;
		this.strategy = strategy;
		this.startFailure = startFailure;
	}

	/**
	 * Decides what follows a worker's end.
	 * @param pool its pool
	 * @param exit how it ended
	 * @param now the time
	 */
	void ended(Pool pool, Exit exit, long now) {
		WorkerProcess worker = exit.worker();
		if (exit.requested() || this.lifecycle.is(ArbiterState.STOPPING) || !pool.managed()) {
			return;
		}
		pool.restarts++;
		if (this.lifecycle.is(ArbiterState.STARTING) && !worker.wasReady()) {
			logger.error("pistil: worker " + worker + " failed to start (" + exit.status() + "); stopping");
			this.startFailure.fail(new WorkerBootException(worker.toString(), exit.status().toString(), exit.report()));
			return;
		}
		if (pool.state == PoolState.RELOADING && !worker.wasReady() && worker.generation == pool.generation) {
			this.reload.abort(pool, "worker " + worker + " failed to start (" + exit.status() + ")", exit.report(),
					now);
			return;
		}
		RestartPolicy policy = pool.spec.restart();
		if (!policy.type().restarts(exit.cause() == ExitCause.NORMAL)) {
			logger.info("pistil: worker " + worker + " " + exit.status() + "; not restarted (" + policy.type() + ")");
			this.scaler.resize(pool, pool.desired - 1);
			return;
		}
		boolean stable = now - worker.spawnedAt > policy.backoffReset().toNanos();
		Duration delay = restartDelay(pool, stable, exit.cause() == ExitCause.BOOT_FAILURE, now);
		if (delay != null) {
			logger.warn("pistil: worker " + worker + " " + exit.status() + describe(exit.cause()) + "; restarting it"
					+ (delay.isZero() ? "" : " in " + Watchdog.seconds(delay.toNanos())));
			restartSiblings(pool, now);
		}
	}

	/**
	 * A launch failed (the JVM could not be spawned, or user code preparing it threw): a
	 * failed start while the arbiter starts, a failed restart of the pool later.
	 * @param pool the pool
	 * @param failure what failed
	 * @param now the time
	 */
	void launchFailed(Pool pool, WorkerLaunchException failure, long now) {
		if (this.lifecycle.is(ArbiterState.STARTING)) {
			logger.error("pistil: " + failure.getMessage() + "; stopping");
			this.startFailure.fail(failure);
			return;
		}
		if (pool.state == PoolState.RELOADING) {
			this.reload.abort(pool, failure.getMessage(), String.valueOf(failure.getCause()), now);
			return;
		}
		pool.restarts++;
		Duration delay = restartDelay(pool, false, true, now);
		if (delay != null) {
			logger.error("pistil: " + failure.getMessage() + "; retrying in " + Watchdog.seconds(delay.toNanos()),
					failure.getCause());
		}
	}

	/**
	 * Counts a restart against the pool's intensity and sets its backoff.
	 * @return the delay before the pool spawns again, or null if the pool gave up
	 */
	private Duration restartDelay(Pool pool, boolean stable, boolean bootFailure, long now) {
		if (pool.restartExceedsIntensity(now)) {
			giveUp(pool, now);
			return null;
		}
		pool.crashStreak = stable ? 1 : pool.crashStreak + 1;
		Duration delay = pool.spec.restart().backoff(pool.crashStreak, bootFailure);
		pool.delaySpawnsUntil(now + delay.toNanos());
		return delay;
	}

	/**
	 * ONE_FOR_ALL and REST_FOR_ONE: the siblings stop, and their pools start them again.
	 */
	private void restartSiblings(Pool pool, long now) {
		if (this.strategy == Strategy.ONE_FOR_ONE) {
			return;
		}
		boolean after = false;
		for (Pool other : this.pools.all()) {
			boolean affected = (this.strategy == Strategy.ONE_FOR_ALL) || after;
			after = after || other == pool;
			if (affected && other.managed()) {
				this.scaler.retireAll(other, now);
				logger.info("pistil: " + this.strategy + ": restarting the workers of pool " + other.name());
			}
		}
	}

	/**
	 * Past its restart intensity a pool stops its workers and waits for a reload or a
	 * scale; a reload of it in progress ends there, and the next one asked for may begin.
	 */
	private void giveUp(Pool pool, long now) {
		RestartPolicy policy = pool.spec.restart();
		logger.error("pistil: pool " + pool.name() + " gave up: more than " + policy.maxRestarts() + " restarts within "
				+ Watchdog.seconds(policy.period().toNanos()) + "; it runs no worker until it is reloaded or scaled");
		boolean reloading = pool.state == PoolState.RELOADING;
		if (reloading) {
			this.reload.finish(pool);
		}
		pool.state = PoolState.FAILED;
		this.scaler.retireAll(pool, now);
		this.events.publish(new PoolFailed(pool.name(), pool.restartTimes.size(), policy.period()));
		if (reloading) {
			this.reload.startPending(now);
		}
	}

	private static String describe(ExitCause cause) {
		return switch (cause) {
			case TIMEOUT -> " after its timeout";
			case BOOT_FAILURE -> " before it was ready";
			default -> "";
		};
	}

}
