package io.pistil.arbiter;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Workers replaced one by one, each by a new worker that starts first: the endpoint's
 * replace action, and recycling past max-requests or max-memory. The old worker stops
 * once its replacement is ready, so the pool keeps its ready count throughout.
 */
final class Replacements {

	private static final Log logger = LogFactory.getLog(Replacements.class);

	private final Pools pools;

	private final Lifecycle lifecycle;

	private final WorkerSignals signals;

	private final Scaler.Spawner spawner;

	Replacements(Pools pools, Lifecycle lifecycle, WorkerSignals signals, Scaler.Spawner spawner) {
		this.pools = pools;
		this.lifecycle = lifecycle;
		this.signals = signals;
		this.spawner = spawner;
	}

	/**
	 * Replaces a worker gracefully.
	 * @param pid the worker's pid
	 * @param now the time
	 * @throws IllegalArgumentException if no worker has this pid
	 * @throws CommandRefusedException if its pool is reloading, or it is stopping
	 */
	void replace(long pid, long now) {
		Pool pool = this.pools.owning(pid).orElseThrow(() -> new IllegalArgumentException("No worker has pid " + pid));
		WorkerProcess worker = pool.find(pid).orElseThrow();
		if (pool.state == PoolState.RELOADING) {
			throw new CommandRefusedException(
					"Pool '" + pool.name() + "' is reloading: every worker is being replaced");
		}
		if (!worker.active() || pool.beingReplaced(worker)) {
			throw new CommandRefusedException("Worker " + worker + " is already stopping");
		}
		this.spawner.spawn(pool, now, new Pool.Replacement(worker, ExitCause.REQUESTED));
	}

	/**
	 * Recycles a worker past its max-requests or max-memory. A pool starts no more
	 * replacements at once than its reload-surge, and none while it reloads.
	 * @param worker the worker
	 * @param reason why, for the log
	 * @param now the time
	 */
	void recycle(WorkerProcess worker, String reason, long now) {
		Pool pool = this.pools.find(worker.spec.name()).orElse(null);
		if (pool == null || !this.lifecycle.is(ArbiterState.RUNNING) || pool.state != PoolState.RUNNING
				|| pool.beingReplaced(worker) || pool.replacements.size() >= pool.spec.reloadSurge()) {
			return;
		}
		logger.info("pistil: worker " + worker + " " + reason + ": recycling it once its replacement is ready");
		this.spawner.spawn(pool, now, new Pool.Replacement(worker, ExitCause.RECYCLED));
	}

	/**
	 * A worker got ready: if it is a replacement, the worker it replaces stops.
	 * @param worker the worker
	 * @param now the time
	 */
	void ready(WorkerProcess worker, long now) {
		this.pools.find(worker.spec.name()).map((pool) -> pool.replacements.remove(worker)).ifPresent((replacement) -> {
			WorkerProcess replaced = replacement.replaced();
			this.signals.retire(replaced, replacement.cause(), replaced.spec.gracefulTimeout(), now);
		});
	}

	/**
	 * A worker has ended: as a replacement, or as a worker being replaced, it ends the
	 * link (the other one goes on as an ordinary worker).
	 * @param pool its pool
	 * @param worker the worker
	 */
	void ended(Pool pool, WorkerProcess worker) {
		pool.replacements.remove(worker);
		pool.replacements.values().removeIf((replacement) -> replacement.replaced() == worker);
	}

}
