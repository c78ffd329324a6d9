package io.pistil.autoconfigure;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;

/**
 * The arbiter's signals, as in gunicorn: TERM (graceful stop), INT (quick stop), HUP
 * (reload), TTIN and TTOU (one worker more or less), WINCH (stop every worker, keep the
 * arbiter), USR1 (log every pool and worker). QUIT and USR2 belong to the JVM.
 *
 * <p>
 * A handler only queues its signal: one thread applies them in the order they came, so a
 * signal arriving during another's work (HUP during a reload, a burst of TTIN) waits its
 * turn.
 */
final class ArbiterSignals {

	private static final Log logger = LogFactory.getLog(ArbiterSignals.class);

	private final Arbiter arbiter;

	private final ConfigurableApplicationContext context;

	private final List<String> signalPools;

	private final ExecutorService queue = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "pistil-signals");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicBoolean exiting = new AtomicBoolean();

	private volatile boolean started;

	ArbiterSignals(Arbiter arbiter, ConfigurableApplicationContext context, List<String> signalPools) {
		this.arbiter = arbiter;
		this.context = context;
		this.signalPools = signalPools;
	}

	void install() {
		handle("TERM", () -> stop(false));
		handle("INT", () -> stop(true));
		handle("HUP", () -> apply("HUP", this.arbiter::reload));
		handle("TTIN", () -> apply("TTIN", () -> pools().forEach(this.arbiter::increment)));
		handle("TTOU", () -> apply("TTOU", () -> pools().forEach(this.arbiter::decrement)));
		handle("WINCH", () -> apply("WINCH", this.arbiter::stopAllWorkers));
		handle("USR1", () -> apply("USR1", this::logStatus));
	}

	/**
	 * Marks the arbiter as started: a stop signal before that must end the wait for the
	 * workers.
	 */
	void started() {
		this.started = true;
	}

	private void handle(String name, Runnable action) {
		try {
			Signal.handle(new Signal(name), (signal) -> action.run());
		}
		catch (IllegalArgumentException ex) {
			logger.warn("pistil: cannot handle SIG" + name + " (" + ex.getMessage() + "); the JVM's default applies");
		}
	}

	private List<String> pools() {
		return this.signalPools.isEmpty() ? this.arbiter.poolNames() : this.signalPools;
	}

	private void apply(String signal, Runnable action) {
		this.queue.execute(() -> {
			if (!this.arbiter.isRunning()) {
				logger.info("pistil: SIG" + signal + " ignored: the arbiter is not running");
				return;
			}
			logger.info("pistil: SIG" + signal + " received");
			try {
				action.run();
			}
			catch (RuntimeException ex) {
				logger.error("pistil: SIG" + signal + " failed: " + ex.getMessage());
			}
		});
	}

	/**
	 * Stops on a thread of its own (a stop must not wait behind a reload's queue entry);
	 * the first stop signal closes the application and exits with 0, a later one hurries
	 * the workers.
	 */
	private void stop(boolean quick) {
		boolean first = this.exiting.compareAndSet(false, true);
		Thread thread = new Thread(() -> {
			if (quick || !first) {
				this.arbiter.stopQuickly();
			}
			else if (!this.started) {
				// The context cannot close while its refresh waits for the workers: end
				// that wait first.
				this.arbiter.stop();
			}
			if (first) {
				logger.info("pistil: " + (quick ? "SIGINT" : "SIGTERM") + " received, shutting down");
				System.exit(SpringApplication.exit(this.context));
			}
		}, "pistil-shutdown");
		thread.start();
	}

	private void logStatus() {
		ArbiterSnapshot snapshot = this.arbiter.snapshot();
		StringBuilder status = new StringBuilder("pistil arbiter (pid " + snapshot.pid() + ") " + snapshot.state());
		snapshot.pools().forEach((pool) -> {
			status.append("\n  pool ")
				.append(pool.name())
				.append(' ')
				.append(pool.state())
				.append(": ")
				.append(pool.ready())
				.append(" ready of ")
				.append(pool.desired())
				.append(", ")
				.append(pool.restarts())
				.append(" restart(s)");
			pool.workers()
				.forEach((worker) -> status.append("\n    ")
					.append(pool.name())
					.append('.')
					.append(worker.number())
					.append(" pid ")
					.append(worker.pid())
					.append(' ')
					.append(worker.state())
					.append(", heartbeat ")
					.append(worker.heartbeatAge().toMillis())
					.append(" ms ago"));
		});
		logger.info(status);
	}

}
