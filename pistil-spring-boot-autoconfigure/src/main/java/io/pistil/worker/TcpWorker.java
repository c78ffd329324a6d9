package io.pistil.worker;

/**
 * A worker of a tcp pool ({@code pistil.workers.<name>.type: tcp}): the pool's workers
 * share its listening sockets, and each accepted connection is handed to
 * {@link #handle(TcpClient, WorkerContext)}.
 *
 * <p>
 * With {@code threads: 1} (the default) a worker serves one connection at a time, on the
 * thread that accepts them, as gunicorn's sync worker does; with {@code threads: N} it
 * serves up to N at once on a pool of threads; with {@code threads: virtual}, each on a
 * virtual thread (Java 21 or newer). Between connections, and while it waits for one, the
 * worker sends its heartbeat; a connection that takes longer than the pool's timeout on a
 * single-threaded worker makes it a hung worker.
 *
 * <p>
 * On a stop the worker stops accepting, finishes the connections it has accepted, and
 * exits: the connections still waiting go to the pool's other workers.
 *
 * @see PistilWorker
 */
@FunctionalInterface
public interface TcpWorker {

	/**
	 * Serves one connection. The connection is closed when this method returns. An
	 * exception is logged and closes the connection; the worker carries on.
	 * @param client the accepted connection
	 * @param context this worker's context
	 * @throws Exception on failure
	 */
	void handle(TcpClient client, WorkerContext context) throws Exception;

}
