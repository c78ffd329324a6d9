package io.pistil.messaging.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Carries converted messages for one scope: the local hub, or RabbitMQ.
 */
public interface Transport extends AutoCloseable {

	/**
	 * Sends a message, waiting while the queue is full.
	 * @param queue the queue
	 * @param message the message
	 * @param timeout how long to wait for room
	 * @throws org.springframework.messaging.MessageDeliveryException if the queue stays
	 * full that long
	 */
	void send(String queue, Envelope message, Duration timeout);

	/**
	 * Sends a message if the queue has room.
	 * @param queue the queue
	 * @param message the message
	 * @return false if the queue is full
	 */
	boolean offer(String queue, Envelope message);

	/**
	 * Sends a request, waiting while the queue is full.
	 * @param queue the queue
	 * @param message the request
	 * @param timeout how long to wait for room
	 * @return the reply to come
	 */
	CompletableFuture<Envelope> request(String queue, Envelope message, Duration timeout);

	/** Sends a message to every subscriber of a topic. */
	void publish(String topic, Envelope message);

	/**
	 * Consumes a queue.
	 * @param queue the queue
	 * @param handler what handles each delivery, one at a time
	 * @return the subscription
	 */
	Subscription listen(String queue, DeliveryHandler handler);

	/**
	 * Subscribes to a topic.
	 * @param topic the topic
	 * @param handler what handles each message, one at a time
	 * @return the subscription
	 */
	Subscription subscribe(String topic, DeliveryHandler handler);

	@Override
	void close();

	/** A consumer of a queue or a topic. */
	interface Subscription {

		/**
		 * Stops taking deliveries: those received and not yet handled go back to the
		 * queue; the one being handled finishes.
		 * @param timeout how long to wait for it
		 */
		void stop(Duration timeout);

	}

}
