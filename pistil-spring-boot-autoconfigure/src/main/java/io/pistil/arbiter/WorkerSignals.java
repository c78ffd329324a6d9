package io.pistil.arbiter;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.WorkerTimedOut;
import io.pistil.arbiter.WorkerProcess.Phase;
import io.pistil.process.ProcessControl;
import io.pistil.process.UnixSignal;

/**
 * The signals the arbiter sends its workers, each moving the worker on in its life:
 * SIGTERM to stop, SIGQUIT for a thread dump before a kill, SIGKILL to the worker's whole
 * process group (so that what it started goes with it). A worker that has been reaped is
 * never signalled: its pid may belong to another process by then.
 */
final class WorkerSignals {

	private static final Log logger = LogFactory.getLog(WorkerSignals.class);

	private final ProcessControl processes;

	private final Events events;

	WorkerSignals(ProcessControl processes, Events events) {
		this.processes = processes;
		this.events = events;
	}

	/**
	 * Asks a worker to stop: it finishes its current step, closes its context and exits
	 * (a brutal pool's worker is killed at once). A worker already stopping keeps the
	 * sooner of its deadlines; one being killed for its timeout is left to that.
	 * @param worker the worker
	 * @param cause why: requested or recycled
	 * @param timeout how long it has before it is killed
	 * @param now the time
	 */
	void retire(WorkerProcess worker, ExitCause cause, Duration timeout, long now) {
		switch (worker.phase()) {
			case BOOTING, READY -> {
				worker.ending(cause);
				worker.stopDeadline = now + timeout.toNanos();
				if (worker.spec.shutdown() == ShutdownMode.BRUTAL) {
					kill(worker, now);
				}
				else {
					worker.moveTo(Phase.STOPPING, now);
					this.processes.signal(worker.pid, UnixSignal.TERM);
				}
			}
			case STOPPING -> {
				if (now + timeout.toNanos() - worker.stopDeadline < 0) {
					worker.stopDeadline = now + timeout.toNanos();
				}
			}
			default -> {
				// Being killed, or gone.
			}
		}
	}

	/**
	 * Makes a hung worker print every thread's stack (SIGQUIT: the JVM's thread dump), so
	 * the log shows where it hung; it is killed after a grace.
	 * @param worker the worker
	 * @param silence how long it has been silent
	 * @param why what it failed to do, for the log
	 * @param now the time
	 */
	void abort(WorkerProcess worker, Duration silence, String why, long now) {
		logger.error(
				"pistil: worker " + worker + " " + why + ": sending SIGQUIT (its thread dump follows), then SIGKILL");
		worker.ending(ExitCause.TIMEOUT);
		worker.moveTo(Phase.ABORTING, now);
		this.events.publish(new WorkerTimedOut(worker.spec.name(), worker.number, worker.pid, silence));
		this.processes.signal(worker.pid, UnixSignal.QUIT);
	}

	/**
	 * Kills a worker and what it started: SIGKILL to its process group.
	 * @param worker the worker
	 * @param now the time
	 */
	void kill(WorkerProcess worker, long now) {
		if (worker.phase() == Phase.KILLED || !worker.signallable()) {
			return;
		}
		worker.moveTo(Phase.KILLED, now);
		killGroup(worker);
	}

	/**
	 * Passes a reload on to a supervisor child (SIGHUP), which reloads its own subtree.
	 * @param supervisor the supervisor child
	 */
	void hangUp(WorkerProcess supervisor) {
		if (supervisor.signallable()) {
			this.processes.signal(supervisor.pid, UnixSignal.HUP);
		}
	}

	/**
	 * Kills whatever is left of an ended worker's process group, before the worker is
	 * reaped: until then the group's id cannot be reused. A worker's own subprocesses
	 * would otherwise outlive it and hold its output pipes open.
	 * @param worker a worker that has ended, not yet reaped
	 */
	void killGroup(WorkerProcess worker) {
		if (worker.signallable()) {
			this.processes.signalGroup(worker.pid, UnixSignal.KILL);
		}
	}

}
