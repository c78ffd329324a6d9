package io.pistil.sample;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.pistil.messaging.PistilMessaging;

/**
 * Sends {@code pistil.sample.jobs} numbered jobs to the {@code jobs} queue once the
 * application has started, from {@code pistil.sample.producers} threads of its own:
 * {@code send} waits while the queue is full, so the producers go at the workers' pace.
 * (On the cluster scope a send waits for the broker's confirm: several senders share the
 * broker's batched confirms.)
 */
@Component
@Profile("messaging")
class JobProducer implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(JobProducer.class);

	private final PistilMessaging messaging;

	private final int jobs;

	private final int producers;

	JobProducer(PistilMessaging messaging, @Value("${pistil.sample.jobs:100000}") int jobs,
			@Value("${pistil.sample.producers:4}") int producers) {
		this.messaging = messaging;
		this.jobs = jobs;
		this.producers = producers;
	}

	@Override
	public void run(ApplicationArguments arguments) {
		AtomicInteger next = new AtomicInteger(1);
		AtomicInteger finished = new AtomicInteger();
		for (int i = 1; i <= this.producers; i++) {
			Thread producer = new Thread(() -> {
				for (int id = next.getAndIncrement(); id <= this.jobs; id = next.getAndIncrement()) {
					this.messaging.send("jobs", new Job(id));
				}
				if (finished.incrementAndGet() == this.producers) {
					logger.info("sample: " + this.jobs + " jobs sent");
				}
			}, "sample-job-producer-" + i);
			producer.setDaemon(true);
			producer.start();
		}
	}

}
