package io.pistil.arbiter;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.PoolResized;

/**
 * Moves each pool toward its desired count: spawns what is missing (once its backoff is
 * over, at most max-booting workers booting at once, the pools declared first first), and
 * retires the oldest workers beyond it.
 */
final class Scaler {

	private static final Log logger = LogFactory.getLog(Scaler.class);

	/** Starts one worker of a pool. */
	@FunctionalInterface
	interface Spawner {

		/**
		 * Spawns a worker.
		 * @param pool its pool
		 * @param now the time
		 * @param replacement the worker it replaces, which stops once it is ready, or
		 * null
		 * @return whether it was spawned (a launch that fails is the supervisor's)
		 */
		boolean spawn(Pool pool, long now, Pool.Replacement replacement);

	}

	private final Pools pools;

	private final Lifecycle lifecycle;

	private final WorkerSignals signals;

	private final Events events;

	private final int maxBooting;

	private final Spawner spawner;

	Scaler(Pools pools, Lifecycle lifecycle, WorkerSignals signals, Events events, int maxBooting, Spawner spawner) {
		this.pools = pools;
		this.lifecycle = lifecycle;
		this.signals = signals;
		this.events = events;
		this.maxBooting = maxBooting;
		this.spawner = spawner;
	}

	/**
	 * Spawns the workers a pool misses and retires those it has too many of.
	 * @param pool a pool that is neither reloading nor failed
	 * @param now the time
	 */
	void manage(Pool pool, long now) {
		int running = pool.running();
		if (running < pool.desired && pool.maySpawn(now)) {
			for (int missing = pool.desired - running; missing > 0 && mayBoot(); missing--) {
				if (!this.spawner.spawn(pool, now, null)) {
					break;
				}
			}
		}
		for (int extra = running - pool.desired; extra > 0; extra--) {
			pool.oldestActive().ifPresent((worker) -> retire(worker, now));
		}
	}

	/**
	 * Whether another worker may start booting: at most max-booting at once, so that on a
	 * small machine the first pools get ready early instead of every JVM booting slowly
	 * together.
	 */
	boolean mayBoot() {
		ArbiterState state = this.lifecycle.state();
		return (state == ArbiterState.STARTING || state == ArbiterState.RUNNING)
				&& this.pools.booting() < this.maxBooting;
	}

	/**
	 * Sets a pool's desired count, without moving it there yet.
	 * @param pool the pool
	 * @param workers the count
	 */
	void resize(Pool pool, int workers) {
		if (pool.desired != workers) {
			int old = pool.desired;
			pool.desired = workers;
			logger.info("pistil: pool " + pool.name() + " resized from " + old + " to " + workers + " worker(s)");
			this.events.publish(new PoolResized(pool.name(), old, workers));
		}
	}

	/**
	 * Asks a worker to stop, within its graceful timeout.
	 * @param worker the worker
	 * @param now the time
	 */
	void retire(WorkerProcess worker, long now) {
		this.signals.retire(worker, ExitCause.REQUESTED, worker.spec.gracefulTimeout(), now);
	}

	/**
	 * Asks every active worker of a pool to stop.
	 * @param pool the pool
	 * @param now the time
	 */
	void retireAll(Pool pool, long now) {
		pool.active().forEach((worker) -> retire(worker, now));
	}

}
