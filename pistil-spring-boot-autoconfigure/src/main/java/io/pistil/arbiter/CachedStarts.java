package io.pistil.arbiter;

import java.time.Duration;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.cache.StartupCache;
import io.pistil.process.ExitStatus;
import io.pistil.process.UnixSignal;

/**
 * What the engine tells the start-up cache: workers that were ready, and workers that
 * failed with it.
 */
final class CachedStarts {

	private static final Log logger = LogFactory.getLog(CachedStarts.class);

	private static final Set<Integer> CRASH_SIGNALS = Set.of(UnixSignal.ABRT.number(), UnixSignal.BUS.number(),
			UnixSignal.SEGV.number(), UnixSignal.ILL.number(), UnixSignal.FPE.number());

	private final StartupCache cache;

	/**
	 * @param cache the cache, or null for none
	 */
	CachedStarts(StartupCache cache) {
		this.cache = cache;
	}

	/**
	 * A worker that failed before it was ready with the start-up cache (it exited, or its
	 * JVM crashed; not killed from outside): the cache is discarded, and the pool starts
	 * a worker without it, as if nothing had happened (outside a reload, which judges its
	 * new workers itself).
	 * @param pool the worker's pool
	 * @param exit how it ended
	 * @return whether the cache took the blame, and the end is not the pool's failure
	 */
	boolean refused(Pool pool, Exit exit) {
		WorkerProcess worker = exit.worker();
		if (worker.cachedStart == null || worker.wasReady() || exit.requested() || pool.state == PoolState.RELOADING
				|| !failedByItself(exit.status()) || !this.cache.refused(worker.cachedStart, worker.toString())) {
			return false;
		}
		logger.warn("pistil: worker " + worker + " " + exit.status() + " before it was ready with the start-up cache; "
				+ "starting one without it");
		return true;
	}

	/** An exit code, or a signal the JVM raises on itself when it crashes. */
	private static boolean failedByItself(ExitStatus status) {
		return !status.signalled() || CRASH_SIGNALS.contains(status.signal());
	}

	void ready(WorkerProcess worker, Duration bootTime) {
		if (this.cache != null) {
			this.cache.booted(worker.spec.name(), worker.cachedStart != null, bootTime);
		}
	}

	void close() {
		if (this.cache != null) {
			this.cache.close();
		}
	}

}
