package io.pistil.messaging.support;

import java.time.Duration;

/**
 * One queue's settings, validated.
 *
 * @param name the queue's name
 * @param scope where its messages travel
 * @param capacity the most ready messages it holds; producers wait (send) or are refused
 * (offer) beyond
 * @param prefetch the most deliveries a consumer has unacknowledged at once
 * @param maxDeliveries how many times a message is delivered before it is dead-lettered
 * @param deadLetterQueue the queue dead letters go to, or null to drop them
 * @param sendTimeout how long send waits for room
 */
public record QueueSettings(String name, Scope scope, int capacity, int prefetch, int maxDeliveries,
		String deadLetterQueue, Duration sendTimeout) {

	/** Where a queue's or a topic's messages travel. */
	public enum Scope {

		/** Between the arbiter and its workers, through the arbiter (the hub). */
		LOCAL,

		/** Between nodes, through RabbitMQ. */
		CLUSTER

	}

}
