package io.pistil.it;

import java.time.Duration;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Fails in its first step, just after it is ready (or after its {@code delay-millis}): a
 * worker in a crash loop.
 */
public class CrashingWorker implements Worker {

	@Override
	public void handle(WorkerContext context) {
		context.sleep(Duration.ofMillis(Long.parseLong(context.args().getOrDefault("delay-millis", "0"))));
		throw new IllegalStateException("crashing on purpose in pid " + context.pid());
	}

}
