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

	/**
	 * A worker started to replace another, which stops once its replacement is ready.
	 *
	 * @param replaced the worker to stop
	 * @param cause why: requested (the endpoint's replace) or recycled (max-requests,
	 * max-memory)
	 */
	record Replacement(WorkerProcess replaced, ExitCause cause) {
	}

	WorkerSpec spec;

	/** The spec before the reload in progress, restored if the reload fails. */
	WorkerSpec previousSpec;

	PoolState state = PoolState.RUNNING;

	long generation;

	int desired;

	long restarts;

	/** How many workers ended in a row without a stable run: drives the backoff. */
	int crashStreak;

	/** When the restarts within the restart intensity's period happened. */
	final Deque<Long> restartTimes = new ArrayDeque<>();

	/** Whether spawns wait for {@link #nextSpawnAt} (a backoff). */
	private boolean delayed;

	private long nextSpawnAt;

	/** Requests handled by its workers that have exited. */
	long requestsOfExited;

	final List<WorkerProcess> workers = new ArrayList<>();

	/** Replacements booting, each with the worker it replaces. */
	final Map<WorkerProcess, Replacement> replacements = new HashMap<>();

	Pool(WorkerSpec spec) {
		this.spec = spec;
		this.desired = spec.workers();
	}

	String name() {
		return this.spec.name();
	}

	/** The workers not asked to stop. */
	List<WorkerProcess> active() {
		return this.workers.stream().filter(WorkerProcess::active).toList();
	}

	long readyCount() {
		return this.workers.stream().filter((worker) -> worker.active() && worker.isReady()).count();
	}

	/** Active workers that are no replacement still booting. */
	int running() {
		return (int) this.workers.stream()
			.filter((worker) -> worker.active() && !this.replacements.containsKey(worker))
			.count();
	}

	/** Whether it has its desired count of ready workers and nothing booting. */
	boolean complete() {
		return this.state == PoolState.FAILED
				|| (this.active().size() == this.desired && this.readyCount() == this.desired);
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

	Optional<WorkerProcess> find(long pid) {
		return this.workers.stream().filter((worker) -> worker.pid == pid).findFirst();
	}

	/** Whether a worker is being replaced (a replacement of it boots). */
	boolean beingReplaced(WorkerProcess worker) {
		return this.replacements.values().stream().anyMatch((replacement) -> replacement.replaced() == worker);
	}

	void delaySpawnsUntil(long time) {
		this.delayed = true;
		this.nextSpawnAt = time;
	}

	boolean maySpawn(long now) {
		return !this.delayed || now - this.nextSpawnAt >= 0;
	}

	/**
	 * Forgets a failure and the restarts behind it: an operator reloaded or scaled the
	 * pool.
	 */
	void recover() {
		if (this.state == PoolState.FAILED) {
			this.state = PoolState.RUNNING;
		}
		this.crashStreak = 0;
		this.restartTimes.clear();
		this.delayed = false;
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

	/** Whether the arbiter still moves the pool toward its desired count. */
	boolean managed() {
		return this.state == PoolState.RUNNING || this.state == PoolState.RELOADING;
	}

}
