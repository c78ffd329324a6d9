package io.pistil.it;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/** Prints a line on every step. */
public class TickWorker implements Worker {

	@Override
	public void handle(WorkerContext context) {
		System.out.println("tick from " + context.pool() + "." + context.number() + " pid " + context.pid());
	}

}
