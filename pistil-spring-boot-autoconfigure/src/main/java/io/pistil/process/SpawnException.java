package io.pistil.process;

/**
 * Thrown when a child process cannot be spawned.
 */
public class SpawnException extends RuntimeException {

	public SpawnException(String message) {
		super(message);
	}

}
