package io.pistil.arbiter;

/**
 * Thrown when an operation names a pool the arbiter does not run.
 */
public class NoSuchPoolException extends RuntimeException {

	public NoSuchPoolException(String pool) {
		super("No pool named '" + pool + "'");
	}

}
