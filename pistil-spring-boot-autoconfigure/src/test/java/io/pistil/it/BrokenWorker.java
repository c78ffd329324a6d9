package io.pistil.it;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/** A worker whose bean cannot be created. */
public class BrokenWorker implements Worker {

	public BrokenWorker() {
		throw new IllegalStateException("database unreachable at startup");
	}

	@Override
	public void handle(WorkerContext context) {
	}

}
