package io.pistil.benchmarks.messaging;

import io.pistil.messaging.PistilListener;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * The worker side: acknowledges sink messages, answers echo requests with their bytes.
 */
public class BenchWorker implements Worker {

	@Override
	public void handle(WorkerContext context) {
	}

	@PistilListener(queue = "sink")
	void sink(byte[] message) {
	}

	@PistilListener(queue = "echo")
	byte[] echo(byte[] message) {
		return message;
	}

}
