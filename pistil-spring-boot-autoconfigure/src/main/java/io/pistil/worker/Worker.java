package io.pistil.worker;

/**
 * A worker that pistil runs in child JVMs, one instance per child.
 *
 * <p>
 * Implement {@link #handle(WorkerContext)} for a worker whose work is a step repeated
 * while it is alive; override {@link #run(WorkerContext)} for a worker with a loop of its
 * own, which must then call {@link WorkerContext#notifyAlive()} more often than its
 * pool's timeout and return once {@link WorkerContext#alive()} is false.
 *
 * @see PistilWorker
 */
@FunctionalInterface
public interface Worker {

	/**
	 * Does one step of work. Called in a loop while the worker is alive; a stop request
	 * lets the current call finish. An exception ends the worker (its exit code is 1) and
	 * the arbiter starts a new one.
	 * @param context this worker's context
	 * @throws Exception on failure
	 */
	void handle(WorkerContext context) throws Exception;

	/**
	 * Runs the worker until it is told to stop: by default, while alive, sends a
	 * heartbeat, calls {@link #handle(WorkerContext)} and pauses for the pool's
	 * {@code pause}.
	 * @param context this worker's context
	 * @throws Exception on failure
	 */
	default void run(WorkerContext context) throws Exception {
		while (context.alive()) {
			context.notifyAlive();
			handle(context);
			context.sleep(context.pause());
		}
	}

}
