package io.pistil.autoconfigure;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.process.ProcessControl;
import io.pistil.process.UnixSignal;

/**
 * The arbiter's signals, as in gunicorn: TERM (graceful stop), INT (quick stop), HUP
 * (reload), TTIN and TTOU (one worker more or less), WINCH (stop every worker, keep the
 * arbiter — only without a controlling terminal, whose window changes send it), USR1 (log
 * every pool and worker). QUIT and USR2 belong to the JVM.
 *
 * <p>
 * The handlers are in place before the first worker is spawned. A handler only queues its
 * signal: one thread applies them in the order they came, so a signal arriving during
 * another's work (HUP during a reload, a burst of TTIN) waits its turn; one arriving
 * while the arbiter starts waits until every pool is ready, a HUP's reload first. TERM
 * and INT while starting stop every worker and fail the start
 * ({@link StoppedWhileStartingException}).
 */
final class ArbiterSignals {

	private static final Log logger = LogFactory.getLog(ArbiterSignals.class);

	/** Where the application is, for a stop signal. */
	private enum Phase {

		STARTING, STARTED, STOPPED_WHILE_STARTING

	}

	private final ConfigurableApplicationContext context;

	private final ProcessControl processes;

	private final List<String> signalPools;

	private final boolean handleStopSignals;

	private final ExecutorService queue = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "pistil-signals");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicBoolean exiting = new AtomicBoolean();

	/**
	 * A HUP that came while starting, applied before any other signal deferred with it:
	 * signals sent together reach their handlers on threads of their own, in no set
	 * order, and a reload after a TTIN would undo the TTIN (it reads the worker counts
	 * anew).
	 */
	private final AtomicBoolean reloadWhenReady = new AtomicBoolean();

	private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);

	private volatile UnixSignal stopSignal;

	private volatile Arbiter arbiter;

	/**
	 * Creates the signal handling of an application.
	 * @param context the application's context, closed by TERM and INT
	 * @param processes the process layer, which tells whether there is a terminal
	 * @param signalPools the pools TTIN and TTOU scale; empty for every pool
	 * @param handleStopSignals whether to handle TERM and INT (else the JVM's defaults
	 * apply)
	 */
	ArbiterSignals(ConfigurableApplicationContext context, ProcessControl processes, List<String> signalPools,
			boolean handleStopSignals) {
		this.context = context;
		this.processes = processes;
		this.signalPools = List.copyOf(signalPools);
		this.handleStopSignals = handleStopSignals;
	}

	/**
	 * Installs the handlers for an arbiter, before it spawns its first worker.
	 * @param arbiter the arbiter
	 */
	void install(Arbiter arbiter) {
		this.arbiter = arbiter;
		if (this.handleStopSignals) {
			handle(UnixSignal.TERM, () -> stop(UnixSignal.TERM));
			handle(UnixSignal.INT, () -> stop(UnixSignal.INT));
		}
		handle(UnixSignal.HUP, () -> apply(UnixSignal.HUP, arbiter::reload));
		handle(UnixSignal.TTIN, () -> apply(UnixSignal.TTIN, () -> pools().forEach(arbiter::increment)));
		handle(UnixSignal.TTOU, () -> apply(UnixSignal.TTOU, () -> pools().forEach(arbiter::decrement)));
		handle(UnixSignal.WINCH, this::windowChanged);
		handle(UnixSignal.USR1, () -> apply(UnixSignal.USR1, this::logStatus));
	}

	/**
	 * Marks the application as started.
	 * @return false if a stop signal came first: the start must fail
	 */
	boolean started() {
		return this.phase.compareAndSet(Phase.STARTING, Phase.STARTED);
	}

	/** The stop signal that came while the application was starting, or null. */
	UnixSignal stoppedWhileStarting() {
		return (this.phase.get() == Phase.STOPPED_WHILE_STARTING) ? this.stopSignal : null;
	}

	/**
	 * A signal that cannot be handled must not keep a default that stops (TTIN, TTOU) or
	 * ends (HUP, USR1) the arbiter: it is ignored instead.
	 */
	private void handle(UnixSignal signal, Runnable action) {
		Signal native_ = new Signal(signal.name());
		try {
			Signal.handle(native_, (received) -> action.run());
		}
		catch (IllegalArgumentException ex) {
			try {
				Signal.handle(native_, SignalHandler.SIG_IGN);
				logger.warn("pistil: cannot handle SIG" + signal + " (" + ex.getMessage() + "); it is ignored");
			}
			catch (IllegalArgumentException again) {
				logger.warn("pistil: cannot handle SIG" + signal + " (" + ex.getMessage() + ")");
			}
		}
	}

	private List<String> pools() {
		return this.signalPools.isEmpty() ? this.arbiter.poolNames() : this.signalPools;
	}

	/**
	 * gunicorn stops its workers on WINCH only when it is a daemon: in a terminal, WINCH
	 * means the window changed.
	 */
	private void windowChanged() {
		if (this.processes.hasControllingTerminal()) {
			logger.info("pistil: SIGWINCH ignored: the arbiter runs in a terminal, whose window changed");
			return;
		}
		apply(UnixSignal.WINCH, this.arbiter::stopAllWorkers);
	}

	private void apply(UnixSignal signal, Runnable action) {
		boolean deferredReload = signal == UnixSignal.HUP && this.arbiter.state() == ArbiterState.STARTING;
		if (deferredReload) {
			this.reloadWhenReady.set(true);
		}
		this.queue.execute(() -> {
			Arbiter arbiter = this.arbiter;
			if (arbiter.state() == ArbiterState.STARTING) {
				logger.info("pistil: SIG" + signal + " received while starting: applied once every pool is ready");
				try {
					arbiter.awaitReady();
				}
				catch (RuntimeException ex) {
					logger.info("pistil: SIG" + signal + " dropped: the arbiter did not start");
					return;
				}
			}
			if (!arbiter.isRunning()) {
				logger.info("pistil: SIG" + signal + " ignored: the arbiter is not running");
				return;
			}
			if (this.reloadWhenReady.getAndSet(false)) {
				run(UnixSignal.HUP, arbiter::reload);
			}
			if (!deferredReload) {
				run(signal, action);
			}
		});
	}

	private static void run(UnixSignal signal, Runnable action) {
		logger.info("pistil: SIG" + signal + " received");
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			logger.error("pistil: SIG" + signal + " failed: " + ex.getMessage());
		}
	}

	/**
	 * Stops on a thread of its own (a stop must not wait behind a reload's queue entry).
	 * While starting, it stops the workers and the start fails; once started, the first
	 * stop signal closes the application and exits with 0, a later one hurries the
	 * workers.
	 */
	private void stop(UnixSignal signal) {
		boolean quick = signal == UnixSignal.INT;
		boolean first = this.exiting.compareAndSet(false, true);
		if (first && this.phase.compareAndSet(Phase.STARTING, Phase.STOPPED_WHILE_STARTING)) {
			this.stopSignal = signal;
		}
		Thread thread = new Thread(() -> {
			if (this.phase.get() == Phase.STOPPED_WHILE_STARTING) {
				logger.info("pistil: SIG" + signal + " received while starting: stopping every worker");
				stopArbiter(quick || !first);
				return;
			}
			if (quick || !first) {
				stopArbiter(true);
			}
			if (first) {
				logger.info("pistil: SIG" + signal + " received, shutting down");
				System.exit(SpringApplication.exit(this.context));
			}
		}, "pistil-shutdown");
		thread.start();
	}

	private void stopArbiter(boolean quick) {
		if (quick) {
			this.arbiter.stopQuickly();
		}
		else {
			this.arbiter.stop();
		}
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
