package io.pistil.arbiter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pool's state: its spec, how many workers it should run, and the ones it runs.
 * Touched only by the arbiter thread.
 */
final class Pool {

	WorkerSpec spec;

	/** The spec before the reload in progress, restored if the reload fails. */
	WorkerSpec previousSpec;

	long generation;

	int desired;

	boolean reloading;

	long restarts;

	/**
	 * Whether the pool gave up after too many restarts: it runs no worker until a reload
	 * or a scale.
	 */
	boolean failed;

	/** How many workers ended in a row without a stable run: drives the backoff. */
	int crashStreak;

	/**
	 * When the restarts within the restart intensity's period happened
	 * (System.nanoTime()).
	 */
	final Deque<Long> restartTimes = new ArrayDeque<>();

	/**
	 * No spawn before this time (System.nanoTime()), after a worker failed to boot; 0 for
	 * none.
	 */
	long nextSpawnAt;

	final List<WorkerProcess> workers = new ArrayList<>();

	/**
	 * Workers started to replace one worker each, which stops once its replacement is
	 * ready.
	 */
	final Map<WorkerProcess, WorkerProcess> replacements = new HashMap<>();

	Pool(WorkerSpec spec) {
		this.spec = spec;
		this.desired = spec.workers();
	}

	String name() {
		return this.spec.name();
	}

	/** The workers not asked to stop. */
	List<WorkerProcess> active() {
		return this.workers.stream().filter((worker) -> !worker.retiring).toList();
	}

	long readyCount() {
		return this.workers.stream().filter((worker) -> !worker.retiring && worker.ready).count();
	}

	/**
	 * The lowest number no active worker holds: a replacement takes the number of the
	 * worker it replaces, even while that one is still stopping (the pid tells them
	 * apart).
	 */
	int freeNumber() {
		List<WorkerProcess> active = active();
		int number = 1;
		while (holds(active, number)) {
			number++;
		}
		return number;
	}

	private static boolean holds(List<WorkerProcess> workers, int number) {
		return workers.stream().anyMatch((worker) -> worker.number == number);
	}

	Optional<WorkerProcess> oldestActive() {
		return active().stream().min(Comparator.comparingLong((worker) -> worker.age));
	}

	/**
	 * Forgets a failure and the restarts behind it: an operator reloaded or scaled the
	 * pool.
	 */
	void recover() {
		this.failed = false;
		this.crashStreak = 0;
		this.restartTimes.clear();
		this.nextSpawnAt = 0;
	}

	/**
	 * Records a restart and tells whether it goes past the restart intensity.
	 * @param now the time
	 * @return whether the pool has restarted more than max-restarts times within the
	 * period
	 */
	boolean restartExceedsIntensity(long now) {
		RestartPolicy policy = this.spec.restart();
		this.restartTimes.addLast(now);
		while (now - this.restartTimes.peekFirst() > policy.period().toNanos()) {
			this.restartTimes.removeFirst();
		}
		return this.restartTimes.size() > policy.maxRestarts();
	}

	String state() {
		return this.failed ? "FAILED" : this.reloading ? "RELOADING" : "RUNNING";
	}

	Optional<WorkerProcess> find(long pid) {
		return this.workers.stream().filter((worker) -> worker.pid == pid).findFirst();
	}

}
