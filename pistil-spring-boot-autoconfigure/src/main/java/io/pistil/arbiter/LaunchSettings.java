package io.pistil.arbiter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pistil.contract.ChildArguments;

/**
 * How to start a child JVM: which {@code java}, which class path, and what the children
 * share with the arbiter.
 *
 * @param javaExecutable the {@code java} binary, normally the arbiter's own
 * @param classPath the class path
 * @param executableJar whether the class path is a Spring Boot executable jar, whose
 * nested jars only Spring Boot's launcher can read
 * @param applicationClass the application's main configuration class, or null
 * @param profiles the arbiter's active profiles
 * @param environment the environment every child starts from
 * @param treePath where this arbiter is in the supervision tree: empty at the top, else
 * the pool names of the supervisors above it, joined by '.'
 * @param applicationArguments the application's command-line arguments, handed to every
 * child
 */
public record LaunchSettings(Path javaExecutable, String classPath, boolean executableJar, String applicationClass,
		List<String> profiles, Map<String, String> environment, String treePath, List<String> applicationArguments) {

	public LaunchSettings {
		profiles = List.copyOf(profiles);
		environment = Map.copyOf(environment);
		applicationArguments = List.copyOf(applicationArguments);
	}

	/**
	 * Settings for children of this JVM: its class path and environment.
	 * @param javaExecutable the {@code java} the children run
	 * @param applicationClass the application's main configuration class, or null
	 * @param profiles the active profiles
	 * @param treePath where this arbiter is in the supervision tree, empty at the top
	 * @param applicationArguments the application's command-line arguments
	 * @return the launch settings
	 */
	public static LaunchSettings ofCurrentJvm(Path javaExecutable, String applicationClass, List<String> profiles,
			String treePath, List<String> applicationArguments) {
		String classPath = System.getProperty("java.class.path");
		boolean executableJar = classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
				&& isLoadedBySpringBootLauncher();
		return new LaunchSettings(javaExecutable, classPath, executableJar, applicationClass, profiles, System.getenv(),
				treePath, applicationArguments);
	}

	private static boolean isLoadedBySpringBootLauncher() {
		ClassLoader loader = LaunchSettings.class.getClassLoader();
		return loader != null && loader.getClass().getName().startsWith("org.springframework.boot.loader.");
	}

	/**
	 * Returns the tree path of a pool of this arbiter.
	 * @param pool the pool name
	 * @return the pool's path
	 */
	String pathOf(String pool) {
		return this.treePath.isEmpty() ? pool : this.treePath + "." + pool;
	}

	/**
	 * Returns the class path for children: the arbiter's own, or an executable jar
	 * unpacked, into the start-up cache's directory if there is one, else into the run
	 * directory.
	 * @param runDirectory the arbiter's run directory
	 * @param cacheDirectory the start-up cache's directory, or null
	 * @return the class path
	 */
	String childClassPath(Path runDirectory, Path cacheDirectory) {
		if (!this.executableJar) {
			return this.classPath;
		}
		return (cacheDirectory != null) ? ExecutableJar.unpackOnce(Path.of(this.classPath), cacheDirectory)
				: ExecutableJar.unpack(Path.of(this.classPath), runDirectory.resolve(RunDirectory.APP));
	}

	/**
	 * Builds the JVM's arguments for one child: JVM options, class path, main class, then
	 * the child's own arguments.
	 * @param jvmOptions the worker's JVM options
	 * @param mainClass the child's main class
	 * @param child what the child is told
	 * @param childClassPath the class path of the children (see
	 * {@link #childClassPath(Path, Path)})
	 * @return the arguments after the {@code java} binary
	 */
	static List<String> jvmArguments(List<String> jvmOptions, String mainClass, ChildArguments child,
			String childClassPath) {
		List<String> arguments = new ArrayList<>(jvmOptions);
		arguments.add("-D" + ChildArguments.WORKER_NAME_PROPERTY + "=" + child.workerName());
		arguments.add("-cp");
		arguments.add(childClassPath);
		arguments.add(mainClass);
		arguments.addAll(child.toArguments());
		return arguments;
	}

}
