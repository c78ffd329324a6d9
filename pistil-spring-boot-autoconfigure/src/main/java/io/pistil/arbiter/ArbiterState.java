package io.pistil.arbiter;

/**
 * Where an arbiter is in its life.
 */
public enum ArbiterState {

	/** Created, not started. */
	NEW,

	/** Spawning its workers; not every pool is ready yet. */
	STARTING,

	/** Every pool was ready once; the arbiter supervises them. */
	RUNNING,

	/** Stopping its workers. */
	STOPPING,

	/** Every worker has stopped and been reaped. */
	STOPPED,

	/**
	 * Its loop ended on an unexpected error: it stopped and reaped every worker, and
	 * supervises nothing any more.
	 */
	FAILED;

	/** Whether the arbiter has started and not yet ended. */
	public boolean running() {
		return this == STARTING || this == RUNNING || this == STOPPING;
	}

}
