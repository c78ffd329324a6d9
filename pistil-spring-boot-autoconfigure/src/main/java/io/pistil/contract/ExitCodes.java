package io.pistil.contract;

/**
 * The exit codes by which a child tells its arbiter how it ended. Any other code, or a
 * signal, is a crash.
 */
public final class ExitCodes {

	/** The worker stopped when asked to, or its loop ended. */
	public static final int STOPPED = 0;

	/** The worker failed: its loop threw, or its arbiter is gone. */
	public static final int FAILED = 1;

	/** The child's context failed to start, as in gunicorn: it is not worth a loop. */
	public static final int BOOT_ERROR = 3;

	/** A supervisor child's subtree gave up (Erlang/OTP's escalation). */
	public static final int ESCALATED = 4;

	private ExitCodes() {
	}

}
