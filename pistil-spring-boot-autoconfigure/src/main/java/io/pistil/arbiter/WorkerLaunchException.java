package io.pistil.arbiter;

/**
 * Thrown when a worker cannot be launched: its JVM cannot be spawned, or a
 * {@link WorkerLaunchCustomizer} (or anything else that prepares the launch) failed. A
 * launch that fails while the arbiter starts fails the start; later it counts as a failed
 * restart of its pool (backoff, restart intensity).
 */
public class WorkerLaunchException extends RuntimeException {

	private final String worker;

	/**
	 * Creates an exception.
	 * @param worker the worker, e.g. "hello.2"
	 * @param cause what failed
	 */
	public WorkerLaunchException(String worker, Throwable cause) {
		super("Cannot launch worker " + worker + ": " + describe(cause), cause);
		this.worker = worker;
	}

	private static String describe(Throwable cause) {
		return (cause.getMessage() != null) ? cause.getMessage() : cause.toString();
	}

	public String getWorker() {
		return this.worker;
	}

}
