package io.pistil.sample;

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
 * application has started, from a thread of its own: {@code send} waits while the queue
 * is full, so the producer goes at the workers' pace.
 */
@Component
@Profile("messaging")
class JobProducer implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(JobProducer.class);

	private final PistilMessaging messaging;

	private final int jobs;

	JobProducer(PistilMessaging messaging, @Value("${pistil.sample.jobs:100000}") int jobs) {
		this.messaging = messaging;
		this.jobs = jobs;
	}

	@Override
	public void run(ApplicationArguments arguments) {
		Thread producer = new Thread(() -> {
			for (int id = 1; id <= this.jobs; id++) {
				this.messaging.send("jobs", new Job(id));
			}
			logger.info("sample: " + this.jobs + " jobs sent");
		}, "sample-job-producer");
		producer.setDaemon(true);
		producer.start();
	}

}
