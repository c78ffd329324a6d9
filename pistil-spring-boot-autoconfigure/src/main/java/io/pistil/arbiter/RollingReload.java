package io.pistil.arbiter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.Reloading;
import io.pistil.net.ListenException;

/**
 * Replaces a pool's workers by new ones with its spec read anew, as gunicorn's HUP does:
 * new workers start (at most reload-surge booting at once), and an old one stops each
 * time more workers are ready than the pool needs, so its ready count never drops below
 * its desired count. A reload of every pool also adds the pools the configuration gained
 * and stops those it lost. A reload asked for while one is in progress waits its turn.
 */
final class RollingReload {

	private static final Log logger = LogFactory.getLog(RollingReload.class);

	/** A reload asked for: some pools, or the whole configuration. */
	private record Request(List<String> pools, boolean wholeConfiguration) {
	}

	private final Pools pools;

	private final Scaler scaler;

	private final Scaler.Spawner spawner;

	private final WorkerSignals signals;

	private final PoolListeners listeners;

	private final Events events;

	private final Supplier<List<WorkerSpec>> source;

	private final List<Request> pending = new ArrayList<>();

	RollingReload(Pools pools, Scaler scaler, Scaler.Spawner spawner, WorkerSignals signals, PoolListeners listeners,
			Events events, Supplier<List<WorkerSpec>> source) {
		this.pools = pools;
		this.scaler = scaler;
		this.spawner = spawner;
		this.signals = signals;
		this.listeners = listeners;
		this.events = events;
		this.source = source;
	}

	/**
	 * Reloads every pool from the configuration read anew: pools it no longer lists stop,
	 * pools it gained start.
	 * @param now the time
	 */
	void reloadAll(long now) {
		request(new Request(List.copyOf(this.pools.names()), true), now);
	}

	/**
	 * Reloads one pool.
	 * @param pool the pool's name
	 * @param now the time
	 */
	void reload(String pool, long now) {
		request(new Request(List.of(this.pools.get(pool).name()), false), now);
	}

	private void request(Request request, long now) {
		if (inProgress()) {
			logger.info("pistil: reload of " + request.pools() + " queued behind the reload in progress");
			this.pending.add(request);
			return;
		}
		Map<String, WorkerSpec> specs = new LinkedHashMap<>();
		try {
			this.source.get().forEach((spec) -> specs.put(spec.name(), spec));
		}
		catch (RuntimeException ex) {
			logger.error("pistil: reload aborted, the pools are unchanged: " + ex.getMessage());
			startPending(now);
			return;
		}
		Set<String> names = new LinkedHashSet<>(request.pools());
		if (request.wholeConfiguration()) {
			names.addAll(specs.keySet());
		}
		this.events.publish(new Reloading(List.copyOf(names)));
		for (String name : names) {
			WorkerSpec spec = specs.get(name);
			this.pools.find(name)
				.ifPresentOrElse((pool) -> reload(pool, spec, request.wholeConfiguration(), now), () -> add(spec));
		}
		startPending(now);
	}

	private void reload(Pool pool, WorkerSpec spec, boolean wholeConfiguration, long now) {
		if (spec == null) {
			if (wholeConfiguration) {
				remove(pool, now);
			}
			else {
				logger.warn("pistil: pool " + pool.name() + " is no longer configured: reload every pool (SIGHUP)"
						+ " to stop it; it is left as it was");
			}
			return;
		}
		if (spec.type() == ChildType.SUPERVISOR && pool.spec.type() == ChildType.SUPERVISOR) {
			// A supervisor reloads its own subtree, rolling, and keeps what it owns.
			pool.recover();
			pool.spec = spec;
			this.scaler.resize(pool, spec.workers());
			pool.active().forEach(this.signals::hangUp);
			logger.info("pistil: reload forwarded to the supervisors of pool " + pool.name());
			return;
		}
		try {
			this.listeners.listen(spec);
		}
		catch (ListenException ex) {
			logger
				.error("pistil: reload of pool " + pool.name() + " aborted, the pool is unchanged: " + ex.getMessage());
			return;
		}
		pool.recover();
		pool.previousSpec = pool.spec;
		pool.spec = spec;
		pool.generation++;
		pool.state = PoolState.RELOADING;
		this.scaler.resize(pool, spec.workers());
		logger.info("pistil: reloading pool " + pool.name() + " (generation " + pool.generation + ")");
		step(pool, now);
	}

	private void add(WorkerSpec spec) {
		try {
			this.listeners.listen(spec);
			this.pools.add(new Pool(spec));
			logger.info("pistil: pool " + spec.name() + " added by the reload, with " + spec.workers() + " worker(s)");
		}
		catch (ListenException ex) {
			logger.error("pistil: pool " + spec.name() + " not added: " + ex.getMessage());
		}
	}

	private void remove(Pool pool, long now) {
		logger.info("pistil: pool " + pool.name() + " is no longer configured: stopping its workers");
		pool.state = PoolState.STOPPING;
		this.scaler.retireAll(pool, now);
	}

	/**
	 * Drops a pool that has stopped every worker after a reload removed it, with its
	 * sockets.
	 * @param pool a pool being removed
	 */
	void dropIfStopped(Pool pool) {
		if (pool.state == PoolState.STOPPING && pool.workers.isEmpty()) {
			this.listeners.close(pool.spec);
			this.pools.remove(pool);
			logger.info("pistil: pool " + pool.name() + " removed");
		}
	}

	/**
	 * Moves a reload on: stops the old workers not ready, an old ready one for each ready
	 * worker beyond the desired count, and starts new ones up to reload-surge booting.
	 * @param pool a reloading pool
	 * @param now the time
	 */
	void step(Pool pool, long now) {
		List<WorkerProcess> old = pool.active()
			.stream()
			.filter((worker) -> worker.generation < pool.generation)
			.toList();
		old.stream().filter((worker) -> !worker.isReady()).forEach((worker) -> this.scaler.retire(worker, now));
		List<WorkerProcess> oldReady = old.stream()
			.filter(WorkerProcess::isReady)
			.sorted(Comparator.comparingLong((worker) -> worker.age))
			.toList();
		if (oldReady.isEmpty()) {
			finish(pool);
			logger.info("pistil: pool " + pool.name() + " reloaded");
			startPending(now);
			return;
		}
		long ready = pool.readyCount();
		for (WorkerProcess worker : oldReady) {
			if (ready <= pool.desired) {
				break;
			}
			this.scaler.retire(worker, now);
			ready--;
		}
		List<WorkerProcess> fresh = pool.active()
			.stream()
			.filter((worker) -> worker.generation == pool.generation)
			.toList();
		long booting = fresh.stream().filter((worker) -> !worker.wasReady()).count();
		long toSpawn = Math.min(pool.spec.reloadSurge() - booting, pool.desired - fresh.size());
		for (long spawned = 0; spawned < toSpawn && this.scaler.mayBoot(); spawned++) {
			if (!this.spawner.spawn(pool, now, null)) {
				return;
			}
		}
	}

	/**
	 * Stops a reload whose new workers fail: they stop, the old ones keep running with
	 * the spec they had.
	 * @param pool the reloading pool
	 * @param why what failed, for the log
	 * @param report the failing worker's error
	 * @param now the time
	 */
	void abort(Pool pool, String why, String report, long now) {
		logger.error("pistil: reload of pool " + pool.name() + " stopped: " + why
				+ "; the old workers keep running. Its error:\n" + report);
		pool.active()
			.stream()
			.filter((worker) -> worker.generation == pool.generation)
			.forEach((worker) -> this.scaler.retire(worker, now));
		pool.spec = pool.previousSpec;
		finish(pool);
		this.scaler.resize(pool, pool.spec.workers());
		startPending(now);
	}

	/**
	 * Ends a pool's reload where it is, with its current spec: done, stopped or given up.
	 * @param pool the reloading pool
	 */
	void finish(Pool pool) {
		pool.state = PoolState.RUNNING;
		pool.previousSpec = null;
		this.listeners.settle(pool.spec);
	}

	/**
	 * Starts the oldest reload asked for while another was in progress, once none is.
	 * @param now the time
	 */
	void startPending(long now) {
		if (!this.pending.isEmpty() && !inProgress()) {
			request(this.pending.remove(0), now);
		}
	}

	/** Drops every reload asked for: the arbiter stops. */
	void clear() {
		this.pending.clear();
		this.pools.all().stream().filter((pool) -> pool.state == PoolState.RELOADING).forEach(this::finish);
	}

	boolean inProgress() {
		return this.pools.all().stream().anyMatch((pool) -> pool.state == PoolState.RELOADING);
	}

}
