package io.pistil.arbiter;

/**
 * Thrown when the arbiter cannot carry out a command now, although the command itself is
 * valid: the pool is reloading or being removed, the worker is already stopping, or the
 * arbiter is not running or too busy to answer. Nothing was changed; the same command may
 * succeed later.
 */
public class CommandRefusedException extends IllegalStateException {

	public CommandRefusedException(String message) {
		super(message);
	}

}
