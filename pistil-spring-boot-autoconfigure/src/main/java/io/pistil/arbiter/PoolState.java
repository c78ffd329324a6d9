package io.pistil.arbiter;

/**
 * Where a pool is: running its workers, replacing them, given up, or going away.
 */
public enum PoolState {

	/** It keeps its desired count of workers running. */
	RUNNING,

	/** A rolling reload replaces its workers. */
	RELOADING,

	/**
	 * It restarted workers more than max-restarts times within its period and gave up: it
	 * runs no worker until it is reloaded or scaled.
	 */
	FAILED,

	/**
	 * A reload found it no longer configured: its workers stop, then it is gone.
	 */
	STOPPING

}
