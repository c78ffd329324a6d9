package io.pistil.it;

import java.util.concurrent.CountDownLatch;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Blocks in its first handle() for good, as a worker stuck on a lock or a socket would.
 */
public class HangingWorker implements Worker {

	private final CountDownLatch never = new CountDownLatch(1);

	@Override
	public void handle(WorkerContext context) throws InterruptedException {
		System.out.println("hanging in pid " + context.pid());
		this.never.await();
	}

}
