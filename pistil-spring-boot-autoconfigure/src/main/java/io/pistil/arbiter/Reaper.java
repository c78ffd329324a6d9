package io.pistil.arbiter;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.WorkerProcess.Phase;
import io.pistil.process.ExitStatus;
import io.pistil.process.ProcessControl;

/**
 * Takes a worker that has ended off the books: kills what is left of its process group,
 * reaps it, reads its slot one last time and gives the slot back, keeps its request
 * count, and tells why it ended.
 */
final class Reaper {

	private static final Log logger = LogFactory.getLog(Reaper.class);

	private final ProcessControl processes;

	private final WorkerSignals signals;

	private final Watchdog watchdog;

	private final Launcher launcher;

	private final RunDirectory runDirectory;

	private final Events events;

	Reaper(ProcessControl processes, WorkerSignals signals, Watchdog watchdog, Launcher launcher,
			RunDirectory runDirectory, Events events) {
		this.processes = processes;
		this.signals = signals;
		this.watchdog = watchdog;
		this.launcher = launcher;
		this.runDirectory = runDirectory;
		this.events = events;
	}

	/**
	 * Reaps a worker whose process has ended.
	 * @param pool its pool
	 * @param worker the worker
	 * @param now the time
	 * @return its end
	 */
	Exit reap(Pool pool, WorkerProcess worker, long now) {
		this.signals.killGroup(worker);
		ExitStatus status = this.processes.reap(worker.pid);
		this.watchdog.read(worker, now);
		worker.moveTo(Phase.EXITED, now);
		pool.workers.remove(worker);
		pool.requestsOfExited += worker.requests;
		this.launcher.release(worker);
		ExitCause cause = classify(worker, status);
		Exit exit = new Exit(worker, status, cause, this.runDirectory.takeBootError(worker));
		if (exit.requested()) {
			logger.info("pistil: worker " + worker + " " + status);
		}
		this.events.publish(new WorkerExited(pool.name(), worker.number, worker.pid, status, cause));
		return exit;
	}

	/**
	 * Why a worker ended: the arbiter's reason first (it asked, or killed it for its
	 * timeout), then its own.
	 */
	static ExitCause classify(WorkerProcess worker, ExitStatus status) {
		if (worker.endCause() != null) {
			return worker.endCause();
		}
		if (!worker.wasReady()) {
			return ExitCause.BOOT_FAILURE;
		}
		if (status.signalled()) {
			return ExitCause.KILLED;
		}
		return status.normal() ? ExitCause.NORMAL : ExitCause.CRASH;
	}

}
