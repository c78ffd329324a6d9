package io.pistil.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A program to spawn.
 *
 * @param executable absolute path of the program
 * @param arguments its arguments, not including the program name
 * @param environment its whole environment
 * @param descriptors descriptors of this process to hand over: the child gets them as its
 * descriptors 3, 4, … in this order
 */
public record SpawnRequest(Path executable, List<String> arguments, Map<String, String> environment,
		List<Integer> descriptors) {

	/** The child's descriptor for the first descriptor handed over. */
	public static final int FIRST_HANDED_OVER = 3;

	public SpawnRequest {
		arguments = List.copyOf(arguments);
		environment = Map.copyOf(environment);
		descriptors = List.copyOf(descriptors);
		// posix_spawn reports a missing program only as a bare errno: say which one here.
		if (!executable.isAbsolute() || !Files.isExecutable(executable)) {
			throw new SpawnException("Cannot spawn '" + executable + "': not an executable file");
		}
	}

	/**
	 * A program that gets no descriptor but its standard streams.
	 * @param executable absolute path of the program
	 * @param arguments its arguments, not including the program name
	 * @param environment its whole environment
	 */
	public SpawnRequest(Path executable, List<String> arguments, Map<String, String> environment) {
		this(executable, arguments, environment, List.of());
	}

}
