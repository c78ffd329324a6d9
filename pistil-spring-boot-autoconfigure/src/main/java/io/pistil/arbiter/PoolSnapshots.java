package io.pistil.arbiter;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;

/**
 * Takes the snapshot of a pool, on the arbiter thread.
 */
final class PoolSnapshots {

	private PoolSnapshots() {
	}

	/** A pool before its arbiter has begun: no worker yet. */
	static PoolSnapshot empty(Pool pool) {
		return of(pool, null, 0);
	}

	static PoolSnapshot of(Pool pool, Watchdog watchdog, long now) {
		List<WorkerSnapshot> workers = pool.workers.stream()
			.sorted(Comparator.comparingInt((WorkerProcess worker) -> worker.number).thenComparingLong((w) -> w.age))
			.map((worker) -> new WorkerSnapshot(worker.number, worker.pid, state(worker, watchdog), worker.generation,
					worker.startedAt, Duration.ofNanos(now - worker.lastSeen), worker.requests,
					worker.cachedStart != null))
			.toList();
		long live = pool.workers.stream().mapToLong((worker) -> worker.requests).sum();
		return new PoolSnapshot(pool.name(), pool.spec.type(), pool.state, pool.desired, pool.active().size(),
				(int) pool.readyCount(), pool.spec.minWorkers(), pool.spec.maxWorkers(), pool.restarts,
				pool.requestsOfExited + live, workers);
	}

	private static WorkerState state(WorkerProcess worker, Watchdog watchdog) {
		return switch (worker.phase()) {
			case BOOTING -> WorkerState.BOOTING;
			case READY -> watchdog.busy(worker) ? WorkerState.BUSY : WorkerState.IDLE;
			default -> WorkerState.STOPPING;
		};
	}

}
