package io.pistil.arbiter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Thrown when the arbiter cannot make its run directory (the directory is missing, not a
 * directory, not writable, or the disk is full); nothing is left behind then.
 */
public class RunDirectoryException extends UncheckedIOException {

	private final Path parent;

	RunDirectoryException(Path parent, Exception cause) {
		super(new IOException("Cannot prepare the arbiter's run directory in " + parent + ": " + cause.getMessage(),
				cause));
		this.parent = parent;
	}

	/**
	 * Returns where the run directory was to be made.
	 * @return the parent directory
	 */
	public Path getParent() {
		return this.parent;
	}

}
