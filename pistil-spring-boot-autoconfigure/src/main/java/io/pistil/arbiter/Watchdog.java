package io.pistil.arbiter;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.WorkerProcess.Phase;
import io.pistil.contract.Scoreboard;

/**
 * Reads each worker's scoreboard slot on every tick: notices readiness and heartbeats,
 * and climbs the abort ladder for a worker that is late — a silent or slow-booting one
 * gets SIGQUIT (a thread dump), then SIGKILL after {@link #THREAD_DUMP_GRACE}; a stopping
 * one past its deadline gets SIGKILL.
 */
final class Watchdog {

	/** How long a timed-out worker has to print its thread dump before SIGKILL. */
	static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(Watchdog.class);

	/** What the watchdog tells the arbiter. */
	interface Findings {

		/**
		 * A worker has become ready.
		 * @param worker the worker
		 * @param now the time
		 */
		void ready(WorkerProcess worker, long now);

		/**
		 * A ready worker is due to be replaced (max-requests, max-memory).
		 * @param worker the worker
		 * @param reason why, for the log
		 * @param now the time
		 */
		void recycleDue(WorkerProcess worker, String reason, long now);

	}

	private final RunDirectory runDirectory;

	private final WorkerSignals signals;

	private final Findings findings;

	Watchdog(RunDirectory runDirectory, WorkerSignals signals, Findings findings) {
		this.runDirectory = runDirectory;
		this.signals = signals;
		this.findings = findings;
	}

	/**
	 * Observes one worker.
	 * @param worker the worker
	 * @param now the time
	 */
	void observe(WorkerProcess worker, long now) {
		read(worker, now);
		switch (worker.phase()) {
			case BOOTING -> {
				if (now - worker.spawnedAt > worker.spec.bootTimeout().toNanos()) {
					this.signals.abort(worker, Duration.ofNanos(now - worker.spawnedAt),
							"has not become ready within its boot timeout of " + worker.spec.bootTimeout().toMillis()
									+ " ms",
							now);
				}
			}
			case READY -> {
				long silence = now - worker.lastSeen;
				if (silence > worker.spec.timeout().toNanos()) {
					this.signals.abort(worker, Duration.ofNanos(silence), "has been silent for " + seconds(silence)
							+ ", past its timeout of " + worker.spec.timeout().toMillis() + " ms", now);
				}
				else if (worker.spec.recycling() != Recycling.NONE) {
					worker.spec.recycling()
						.due(worker.pid, worker.requests, worker.requestLimit)
						.ifPresent((reason) -> this.findings.recycleDue(worker, reason, now));
				}
			}
			case ABORTING -> {
				if (now - worker.phaseSince() > THREAD_DUMP_GRACE.toNanos()) {
					logger.error("pistil: worker " + worker + " killed (SIGKILL) after its timeout");
					this.signals.kill(worker, now);
				}
			}
			case STOPPING -> {
				if (now - worker.stopDeadline > 0) {
					logger.warn("pistil: worker " + worker + " did not stop in time: sending SIGKILL");
					this.signals.kill(worker, now);
				}
			}
			default -> {
				// Killed: its end is on its way.
			}
		}
	}

	/**
	 * Reads the worker's slot, once the worker has claimed it: heartbeats, requests, and
	 * readiness. A worker may get ready and end between two ticks: the slot still tells.
	 * @param worker the worker
	 * @param now the time
	 */
	void read(WorkerProcess worker, long now) {
		Scoreboard.Slot slot = this.runDirectory.slot(worker.spec, worker.slot);
		if (slot.pid() != worker.pid) {
			return;
		}
		long heartbeats = slot.heartbeats();
		if (heartbeats != worker.heartbeats) {
			worker.heartbeats = heartbeats;
			worker.lastSeen = now;
		}
		worker.requests = slot.requests();
		if (worker.phase() == Phase.BOOTING && slot.state().booted()) {
			worker.moveTo(Phase.READY, now);
			worker.lastSeen = now;
			this.findings.ready(worker, now);
		}
	}

	/** Whether the worker's slot says it is handling a request. */
	boolean busy(WorkerProcess worker) {
		Scoreboard.Slot slot = this.runDirectory.slot(worker.spec, worker.slot);
		return slot.pid() == worker.pid && slot.busy();
	}

	static String seconds(long nanos) {
		return String.format("%.1fs", nanos / 1e9);
	}

}
