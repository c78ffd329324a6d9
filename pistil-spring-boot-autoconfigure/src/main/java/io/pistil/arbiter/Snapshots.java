package io.pistil.arbiter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Read-only views of an arbiter's state, taken on the arbiter thread, for endpoints and
 * metrics.
 */
public final class Snapshots {

	private Snapshots() {
	}

	/**
	 * The arbiter.
	 *
	 * @param pid the arbiter's pid
	 * @param state NEW, STARTING, RUNNING, STOPPING or STOPPED
	 * @param startedAt when it started, or null
	 * @param pools its pools
	 */
	public record ArbiterSnapshot(long pid, String state, Instant startedAt, List<PoolSnapshot> pools) {
	}

	/**
	 * One pool.
	 *
	 * @param name the pool name
	 * @param type worker, tcp or supervisor
	 * @param state RUNNING, RELOADING or FAILED
	 * @param desired how many workers it should run
	 * @param running how many workers it runs, stopping ones excluded
	 * @param ready how many of those are ready
	 * @param minWorkers the fewest workers scaling may leave
	 * @param maxWorkers the most workers scaling may reach
	 * @param restarts how many workers ended without being asked to
	 * @param workers its workers, stopping ones included
	 */
	public record PoolSnapshot(String name, String type, String state, int desired, int running, int ready,
			int minWorkers, int maxWorkers, long restarts, List<WorkerSnapshot> workers) {
	}

	/**
	 * One worker.
	 *
	 * @param number the worker number
	 * @param pid its pid
	 * @param state booting, idle, busy or stopping
	 * @param generation the reload generation it was spawned in
	 * @param startedAt when it was spawned
	 * @param heartbeatAge time since its last heartbeat (since its spawn before it is
	 * ready)
	 * @param requests requests it has handled
	 */
	public record WorkerSnapshot(int number, long pid, String state, long generation, Instant startedAt,
			Duration heartbeatAge, long requests) {
	}

}
