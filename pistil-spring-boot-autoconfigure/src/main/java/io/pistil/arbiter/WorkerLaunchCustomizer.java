package io.pistil.arbiter;

import java.util.List;
import java.util.Map;

/**
 * Changes a worker's JVM options or environment just before it is spawned (where
 * gunicorn's pre_fork hook changes the fork).
 */
@FunctionalInterface
public interface WorkerLaunchCustomizer {

	/**
	 * Customizes one launch.
	 * @param launch the worker about to be spawned, with its JVM options and environment
	 * to change
	 */
	void customize(WorkerLaunch launch);

	/**
	 * A worker about to be spawned.
	 *
	 * @param pool the pool name
	 * @param number the worker number
	 * @param jvmOptions the JVM options, modifiable
	 * @param environment the environment, modifiable
	 */
	record WorkerLaunch(String pool, int number, List<String> jvmOptions, Map<String, String> environment) {
	}

}
