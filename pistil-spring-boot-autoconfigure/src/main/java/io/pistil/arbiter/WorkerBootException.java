package io.pistil.arbiter;

/**
 * Thrown when a worker fails to become ready while the arbiter starts: the arbiter stops
 * instead of restarting it in a loop. The message holds the worker's own error.
 */
public class WorkerBootException extends RuntimeException {

	private final String worker;

	private final String workerError;

	/**
	 * Creates an exception.
	 * @param worker the worker, e.g. "hello.1 (pid 1234)"
	 * @param how how it ended, e.g. "exited with code 3"
	 * @param workerError what the worker reported: its exception, or the last lines it
	 * printed
	 */
	public WorkerBootException(String worker, String how, String workerError) {
		super("Worker " + worker + " failed to start (" + how + "):\n" + workerError);
		this.worker = worker;
		this.workerError = workerError;
	}

	public String getWorker() {
		return this.worker;
	}

	public String getWorkerError() {
		return this.workerError;
	}

}
