package io.pistil.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the command of a training run: a worker of the pool that ends once its context is
 * refreshed.
 */
@FunctionalInterface
public interface Training {

	/**
	 * The training run's command, {@code java} first.
	 * @param directory a directory of the run's own, removed after it
	 * @param archiveOptions options to add ahead of the class path
	 * @return the command
	 * @throws IOException if the run's files cannot be made
	 */
	List<String> command(Path directory, List<String> archiveOptions) throws IOException;

}
