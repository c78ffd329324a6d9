package io.pistil.contract;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pistil.worker.ContextMode;

/**
 * What the arbiter tells a child on its command line, as {@code --key=value} arguments
 * that {@code ps} shows readably, after the main class: {@value #WORKER_MAIN_CLASS} for
 * workers, {@value #SUPERVISOR_MAIN_CLASS} for supervisors.
 *
 * @param arbiterPid the arbiter's pid, so a child can tell it has been orphaned
 * @param pool the pool name
 * @param path where the pool is in the supervision tree: pool names from the top, joined
 * by '.'
 * @param number the worker number
 * @param slot the worker's scoreboard slot
 * @param runDirectory the arbiter's run directory (scoreboard, boot error reports)
 * @param workerClass the worker class
 * @param beanName the bean to run in a full context, or null
 * @param context the context mode
 * @param applicationClass the application's main configuration class, for a full context
 * @param profiles the arbiter's active profiles
 * @param pause the pause of the default loop
 * @param args the pool's free-form settings
 * @param applicationArguments the arbiter application's own command-line arguments, so
 * that a child's context sees the configuration the arbiter saw
 */
public record ChildArguments(long arbiterPid, String pool, String path, int number, int slot, Path runDirectory,
		String workerClass, String beanName, ContextMode context, String applicationClass, List<String> profiles,
		Duration pause, Map<String, String> args, List<String> applicationArguments) {

	/** The main class of a worker's JVM. */
	public static final String WORKER_MAIN_CLASS = "io.pistil.child.ChildMain";

	/**
	 * The main class of a supervisor's JVM: an arbiter of its own, so it lives with the
	 * Spring Boot wiring.
	 */
	public static final String SUPERVISOR_MAIN_CLASS = "io.pistil.autoconfigure.SupervisorChild";

	/** The system property that names a child in {@code ps} and {@code jcmd} output. */
	public static final String WORKER_NAME_PROPERTY = "pistil.worker";

	private static final String ARG_PREFIX = "arg.";

	private static final String APPLICATION_ARGUMENT = "application-argument";

	public ChildArguments {
		profiles = List.copyOf(profiles);
		args = Map.copyOf(args);
		applicationArguments = List.copyOf(applicationArguments);
	}

	public String workerName() {
		return this.pool + "." + this.number;
	}

	public List<String> toArguments() {
		List<String> arguments = new ArrayList<>();
		arguments.add("--arbiter-pid=" + this.arbiterPid);
		arguments.add("--pool=" + this.pool);
		arguments.add("--path=" + this.path);
		arguments.add("--number=" + this.number);
		arguments.add("--slot=" + this.slot);
		arguments.add("--run-directory=" + this.runDirectory);
		arguments.add("--worker-class=" + this.workerClass);
		if (this.beanName != null) {
			arguments.add("--bean=" + this.beanName);
		}
		arguments.add("--context=" + this.context);
		if (this.applicationClass != null) {
			arguments.add("--application-class=" + this.applicationClass);
		}
		arguments.add("--profiles=" + String.join(",", this.profiles));
		arguments.add("--pause=" + this.pause.toMillis());
		this.args.forEach((key, value) -> arguments.add("--" + ARG_PREFIX + key + "=" + value));
		this.applicationArguments.forEach((argument) -> arguments.add("--" + APPLICATION_ARGUMENT + "=" + argument));
		return arguments;
	}

	/**
	 * Reads the arguments that {@link #toArguments()} wrote.
	 * @param arguments a child's command-line arguments
	 * @return the child arguments
	 */
	public static ChildArguments parse(String[] arguments) {
		Map<String, String> values = new LinkedHashMap<>();
		Map<String, String> args = new LinkedHashMap<>();
		List<String> applicationArguments = new ArrayList<>();
		for (String argument : arguments) {
			int equals = argument.indexOf('=');
			if (!argument.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Unexpected argument '" + argument + "'");
			}
			String key = argument.substring(2, equals);
			String value = argument.substring(equals + 1);
			if (key.equals(APPLICATION_ARGUMENT)) {
				applicationArguments.add(value);
			}
			else if (key.startsWith(ARG_PREFIX)) {
				args.put(key.substring(ARG_PREFIX.length()), value);
			}
			else {
				values.put(key, value);
			}
		}
		String profiles = values.getOrDefault("profiles", "");
		return new ChildArguments(Long.parseLong(required(values, "arbiter-pid")), required(values, "pool"),
				required(values, "path"), Integer.parseInt(required(values, "number")),
				Integer.parseInt(required(values, "slot")), Path.of(required(values, "run-directory")),
				required(values, "worker-class"), values.get("bean"), ContextMode.valueOf(required(values, "context")),
				values.get("application-class"), profiles.isEmpty() ? List.of() : List.of(profiles.split(",")),
				Duration.ofMillis(Long.parseLong(required(values, "pause"))), args, applicationArguments);
	}

	private static String required(Map<String, String> values, String key) {
		String value = values.get(key);
		if (value == null) {
			throw new IllegalArgumentException("Missing argument --" + key);
		}
		return value;
	}

}
