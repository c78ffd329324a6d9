package io.pistil.child;

import java.io.IOException;

import io.pistil.contract.Scoreboard;
import io.pistil.worker.TcpWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * What a child runs once its context is up, until it is told to stop: a {@link Worker}'s
 * loop, or a {@link TcpWorker}'s accept loop.
 */
@FunctionalInterface
interface WorkerLoop {

	/**
	 * Runs until the worker is told to stop.
	 * @throws Exception if the worker fails
	 */
	void run() throws Exception;

	/**
	 * Prepares the loop of a worker bean: a tcp worker's sockets and threads are opened
	 * now, so that a failure to open them is a failure to boot.
	 * @param worker the worker bean
	 * @param context its context
	 * @param slot its scoreboard slot
	 * @return the loop
	 * @throws IOException if a tcp worker's sockets cannot be opened
	 */
	static WorkerLoop of(Object worker, WorkerContext context, Scoreboard.Slot slot) throws IOException {
		if (worker instanceof TcpWorker tcpWorker) {
			return AcceptLoop.open(tcpWorker, context, slot);
		}
		if (worker instanceof Worker plainWorker) {
			return () -> plainWorker.run(context);
		}
		throw new IllegalStateException(worker.getClass().getName() + " is neither a Worker nor a TcpWorker");
	}

}
