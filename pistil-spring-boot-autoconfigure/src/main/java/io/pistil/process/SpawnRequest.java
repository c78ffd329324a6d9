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
 */
public record SpawnRequest(Path executable, List<String> arguments, Map<String, String> environment) {

	public SpawnRequest {
		arguments = List.copyOf(arguments);
		environment = Map.copyOf(environment);
		// posix_spawn reports a missing program only as a bare errno: say which one here.
		if (!executable.isAbsolute() || !Files.isExecutable(executable)) {
			throw new SpawnException("Cannot spawn '" + executable + "': not an executable file");
		}
	}

}
