package io.pistil.arbiter;

/**
 * How a pool's workers are stopped.
 */
public enum ShutdownMode {

	/**
	 * SIGTERM, then SIGKILL after the graceful timeout (OTP's shutdown timeout, pistil's
	 * {@code kill}).
	 */
	GRACEFUL,

	/** SIGKILL at once (OTP's and pistil's {@code brutal_kill}). */
	BRUTAL

}
