package io.pistil.arbiter;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arbiter's pools, in the order they were declared: the order of booting, of the
 * strategies, and of the snapshots. Touched only by the arbiter thread.
 */
final class Pools {

	private final Map<String, Pool> pools = new LinkedHashMap<>();

	/**
	 * Adds a pool.
	 * @param pool the pool
	 * @throws InvalidSpecException if a pool has its name already
	 */
	void add(Pool pool) {
		if (this.pools.putIfAbsent(pool.name(), pool) != null) {
			throw new InvalidSpecException(pool.name(), "name", pool.name(), "two pools have this name");
		}
	}

	void remove(Pool pool) {
		this.pools.remove(pool.name());
	}

	/**
	 * Returns a pool.
	 * @param name its name
	 * @return the pool
	 * @throws NoSuchPoolException if there is none of this name
	 */
	Pool get(String name) {
		Pool pool = this.pools.get(name);
		if (pool == null) {
			throw new NoSuchPoolException(name);
		}
		return pool;
	}

	Optional<Pool> find(String name) {
		return Optional.ofNullable(this.pools.get(name));
	}

	/** The pools, as a copy: managing one may add or remove another. */
	List<Pool> all() {
		return List.copyOf(this.pools.values());
	}

	Collection<String> names() {
		return List.copyOf(this.pools.keySet());
	}

	/** Every worker of every pool, as a copy. */
	List<WorkerProcess> workers() {
		return this.pools.values().stream().flatMap((pool) -> pool.workers.stream()).toList();
	}

	/** The pool that has a worker of this pid. */
	Optional<Pool> owning(long pid) {
		return this.pools.values().stream().filter((pool) -> pool.find(pid).isPresent()).findFirst();
	}

	/** How many active workers are booting, in every pool. */
	long booting() {
		return workers().stream().filter((worker) -> worker.active() && !worker.wasReady()).count();
	}

	/** Whether every pool runs its desired count of ready workers (or gave up). */
	boolean complete() {
		return this.pools.values().stream().allMatch(Pool::complete);
	}

}
