package io.pistil.it;

import java.time.Duration;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Each handle() takes a while and announces its end, to show that a stop lets it finish.
 */
public class SlowStepWorker implements Worker {

	@Override
	public void handle(WorkerContext context) throws InterruptedException {
		System.out.println("step started in pid " + context.pid());
		Thread.sleep(Duration.ofMillis(Long.parseLong(context.args().getOrDefault("step-millis", "1500"))).toMillis());
		System.out.println("step finished in pid " + context.pid());
	}

}
