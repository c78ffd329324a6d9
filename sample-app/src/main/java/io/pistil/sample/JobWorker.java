package io.pistil.sample;

import org.springframework.beans.factory.annotation.Value;

import io.pistil.messaging.Delivery;
import io.pistil.messaging.PistilListener;
import io.pistil.messaging.PistilMessaging;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * The messaging profile's jobworkers: each takes jobs from the {@code jobs} queue, works
 * on one for {@code pistil.sample.job-millis}, and sends its result to the
 * {@code results} queue, which the arbiter's {@link ResultsCollector} consumes. Its loop
 * has nothing to do but beat: the listener runs on a thread of its own.
 */
public class JobWorker implements Worker {

	private final PistilMessaging messaging;

	private final long workMillis;

	private final long pid = ProcessHandle.current().pid();

	public JobWorker(PistilMessaging messaging, @Value("${pistil.sample.job-millis:1}") long workMillis) {
		this.messaging = messaging;
		this.workMillis = workMillis;
	}

	@Override
	public void handle(WorkerContext context) {
	}

	/** A redelivered job is done again: sending its result twice is harmless. */
	@PistilListener(queue = "jobs")
	void work(Job job, Delivery delivery) throws InterruptedException {
		Thread.sleep(this.workMillis);
		this.messaging.send("results", new JobResult(job.id(), this.pid));
	}

}
