package io.pistil.messaging.it;

import java.time.Duration;

import io.pistil.messaging.Delivery;
import io.pistil.messaging.PistilListener;
import io.pistil.messaging.PistilMessaging;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * A worker whose listeners answer requests, handle jobs (a result per job to the
 * arbiter), take topic messages, fail on poison and run longer than the heartbeat
 * timeout.
 */
public class ListeningWorker implements Worker {

	private final PistilMessaging messaging;

	private final long pid = ProcessHandle.current().pid();

	public ListeningWorker(PistilMessaging messaging) {
		this.messaging = messaging;
	}

	@Override
	public void handle(WorkerContext context) {
	}

	@PistilListener(queue = "jobs")
	void job(String job, Delivery delivery) throws InterruptedException {
		Thread.sleep(Long.getLong("test.job-millis", 1));
		this.messaging.send("results", job);
	}

	@PistilListener(queue = "ask")
	String ask(String question, Delivery delivery) {
		return question + " answered by " + this.pid + " (delivery " + delivery.deliveryCount() + ")";
	}

	@PistilListener(topic = "news")
	void news(String news) {
		this.messaging.send("results", news + " seen by " + this.pid);
	}

	@PistilListener(queue = "poison")
	String poison(String message, Delivery delivery) {
		throw new IllegalStateException("cannot take " + message + " (delivery " + delivery.deliveryCount() + ")");
	}

	@PistilListener(queue = "slow")
	void slow(String message) throws InterruptedException {
		Thread.sleep(Duration.ofSeconds(4).toMillis());
		this.messaging.send("results", "slow " + message + " done by " + this.pid);
	}

}
