package io.pistil.worker;

/**
 * What happens to a worker, published in the worker's own Spring context (in its child
 * JVM), so a bean there can take it with {@code @EventListener}.
 */
public sealed interface WorkerEvent {

	/**
	 * Returns the worker the event is about.
	 * @return the worker's context
	 */
	WorkerContext worker();

	/** The worker's context has started; the worker is not running yet. */
	record Started(WorkerContext worker) implements WorkerEvent {
	}

	/** The worker has told its arbiter it is ready and is about to run. */
	record Ready(WorkerContext worker) implements WorkerEvent {
	}

	/**
	 * The worker has been asked to stop (its current step finishes first).
	 *
	 * @param signal the signal that asked, e.g. "TERM", or "PARENT_GONE" when the arbiter
	 * died
	 */
	record Interrupted(WorkerContext worker, String signal) implements WorkerEvent {
	}

	/**
	 * The worker has stopped running and its context is about to close.
	 *
	 * @param exitCode the process's exit code to come
	 */
	record Exiting(WorkerContext worker, int exitCode) implements WorkerEvent {
	}

}
