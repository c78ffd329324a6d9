package io.pistil.it;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Ends by itself after one step: normally (exit code 0), or with an exception (exit code
 * 1) if its args say so.
 */
public class QuittingWorker implements Worker {

	@Override
	public void run(WorkerContext context) {
		handle(context);
		if (!"0".equals(context.args().getOrDefault("exit-code", "0"))) {
			throw new IllegalStateException("quitting abnormally");
		}
	}

	@Override
	public void handle(WorkerContext context) {
		System.out.println("quitting: " + context.pool() + " pid " + context.pid());
	}

}
