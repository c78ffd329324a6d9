package io.pistil.arbiter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Read-only views of an arbiter's state, which the arbiter thread publishes after each
 * tick and command, for endpoints, health and metrics: reading one never waits for the
 * arbiter.
 */
public final class Snapshots {

	private Snapshots() {
	}

	/**
	 * The arbiter.
	 *
	 * @param pid the arbiter's pid
	 * @param state where it is in its life
	 * @param startedAt when it started, or null
	 * @param pools its pools
	 */
	public record ArbiterSnapshot(long pid, ArbiterState state, Instant startedAt, List<PoolSnapshot> pools) {

		public ArbiterSnapshot {
			pools = List.copyOf(pools);
		}

		/**
		 * Finds a pool.
		 * @param name the pool's name
		 * @return the pool, or empty if the arbiter has none of this name
		 */
		public Optional<PoolSnapshot> pool(String name) {
			return this.pools.stream().filter((pool) -> pool.name().equals(name)).findFirst();
		}

	}

	/**
	 * One pool.
	 *
	 * @param name the pool name
	 * @param type worker, tcp or supervisor
	 * @param state running, reloading, failed or stopping
	 * @param desired how many workers it should run
	 * @param running how many workers it runs, stopping ones excluded
	 * @param ready how many of those are ready
	 * @param minWorkers the fewest workers scaling may leave
	 * @param maxWorkers the most workers scaling may reach
	 * @param restarts how many workers ended without being asked to
	 * @param requests requests handled by the pool's workers, those that have exited
	 * included
	 * @param workers its workers, stopping ones included
	 */
	public record PoolSnapshot(String name, ChildType type, PoolState state, int desired, int running, int ready,
			int minWorkers, int maxWorkers, long restarts, long requests, List<WorkerSnapshot> workers) {

		public PoolSnapshot {
			workers = List.copyOf(workers);
		}

	}

	/**
	 * One worker.
	 *
	 * @param number the worker number
	 * @param pid its pid
	 * @param state what it is doing
	 * @param generation the reload generation it was spawned in
	 * @param startedAt when it was spawned
	 * @param heartbeatAge time since its last heartbeat (since its spawn before it is
	 * ready)
	 * @param requests requests it has handled
	 * @param startupCache whether it started from the start-up cache
	 */
	public record WorkerSnapshot(int number, long pid, WorkerState state, long generation, Instant startedAt,
			Duration heartbeatAge, long requests, boolean startupCache) {
	}

}
