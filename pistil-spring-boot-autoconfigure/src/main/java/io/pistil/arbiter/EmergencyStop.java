package io.pistil.arbiter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.process.ProcessControl;
import io.pistil.process.UnixSignal;

/**
 * What the arbiter does when its loop fails: it cannot supervise any more, so it stops
 * every worker at once — SIGTERM, SIGKILL to their process groups after a short grace —
 * and reaps them, so that none is left running without a supervisor.
 */
final class EmergencyStop {

	/** How long workers get after SIGTERM when the arbiter itself has failed. */
	static final Duration GRACE = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(EmergencyStop.class);

	private final ProcessControl processes;

	EmergencyStop(ProcessControl processes) {
		this.processes = processes;
	}

	/**
	 * Stops and reaps workers. Each step is tried for every worker whatever fails for
	 * another.
	 * @param workers the workers, none of them reaped
	 */
	void stop(List<WorkerProcess> workers) {
		List<WorkerProcess> alive = workers.stream().filter(WorkerProcess::signallable).toList();
		logger.error("pistil arbiter: stopping " + alive.size() + " worker(s) now");
		alive.forEach((worker) -> attempt(() -> this.processes.signal(worker.pid, UnixSignal.TERM)));
		try {
			CompletableFuture
				.allOf(alive.stream()
					.map((worker) -> this.processes.onExit(worker.pid).toCompletableFuture())
					.toArray(CompletableFuture[]::new))
				.get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			// Some did not stop in time: they are killed next.
		}
		alive.forEach((worker) -> attempt(() -> this.processes.signalGroup(worker.pid, UnixSignal.KILL)));
		alive.forEach((worker) -> attempt(() -> this.processes.reap(worker.pid)));
	}

	private static void attempt(Runnable step) {
		try {
			step.run();
		}
		catch (RuntimeException ex) {
			logger.error("pistil arbiter: " + ex.getMessage());
		}
	}

}
