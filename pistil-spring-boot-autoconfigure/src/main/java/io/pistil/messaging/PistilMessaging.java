package io.pistil.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends to pistil's queues and topics, from the arbiter or from any worker: a bean in
 * every context pistil starts. Payloads go through the messaging's
 * {@link org.springframework.messaging.converter.MessageConverter} (JSON with Jackson,
 * {@code byte[]} as it is).
 */
public interface PistilMessaging {

	/**
	 * Sends a message, waiting while the queue is full, up to the queue's
	 * {@code send-timeout}.
	 * @param queue the queue
	 * @param payload the payload
	 * @throws org.springframework.messaging.MessageDeliveryException if the queue stays
	 * full
	 */
	void send(String queue, Object payload);

	/**
	 * Sends a message, waiting while the queue is full.
	 * @param queue the queue
	 * @param payload the payload
	 * @param timeout how long to wait for room
	 * @throws org.springframework.messaging.MessageDeliveryException if the queue stays
	 * full
	 */
	void send(String queue, Object payload, Duration timeout);

	/**
	 * Sends a message if the queue has room, without waiting.
	 * @param queue the queue
	 * @param payload the payload
	 * @return false if the queue is at its capacity
	 */
	boolean offer(String queue, Object payload);

	/**
	 * Sends a request to a queue's listener, whose return value is the reply.
	 * @param <T> the reply's type
	 * @param queue the queue
	 * @param payload the request
	 * @param replyType what to convert the reply to
	 * @return the reply; completed with a {@link RequestFailedException} if the request
	 * is dead-lettered
	 */
	<T> CompletableFuture<T> request(String queue, Object payload, Class<T> replyType);

	/**
	 * Sends a message to every subscriber of a topic alive now.
	 * @param topic the topic
	 * @param payload the payload
	 */
	void publish(String topic, Object payload);

}
