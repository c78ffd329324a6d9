package io.pistil.arbiter;

/**
 * Why a worker ended.
 */
public enum ExitCause {

	/** The arbiter asked it to stop: scaling down, reload, replacement, shutdown. */
	REQUESTED,

	/**
	 * The arbiter replaced it after its max-requests or max-memory: it stopped once its
	 * replacement was ready.
	 */
	RECYCLED,

	/** It ended by itself with exit code 0. */
	NORMAL,

	/** It ended by itself with another exit code. */
	CRASH,

	/**
	 * A signal it did not get from the arbiter ended it (an OOM killer, a
	 * {@code kill -9}).
	 */
	KILLED,

	/** The arbiter killed it after its heartbeat timeout. */
	TIMEOUT,

	/** It died before it was ready. */
	BOOT_FAILURE

}
