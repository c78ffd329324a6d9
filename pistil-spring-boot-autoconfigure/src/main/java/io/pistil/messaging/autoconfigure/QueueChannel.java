package io.pistil.messaging.autoconfigure;

import java.time.Duration;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

import io.pistil.messaging.PistilMessaging;

/**
 * A queue as a Spring Messaging channel (for Spring Integration flows): sending a message
 * sends its payload to the queue.
 */
public final class QueueChannel implements MessageChannel {

	private final String queue;

	private final PistilMessaging messaging;

	QueueChannel(String queue, PistilMessaging messaging) {
		this.queue = queue;
		this.messaging = messaging;
	}

	@Override
	public boolean send(Message<?> message) {
		this.messaging.send(this.queue, message.getPayload());
		return true;
	}

	/**
	 * Sends a message's payload, waiting up to a timeout for room.
	 * @return false if the queue stayed full that long (0: do not wait)
	 */
	@Override
	public boolean send(Message<?> message, long timeout) {
		if (timeout <= 0) {
			return this.messaging.offer(this.queue, message.getPayload());
		}
		try {
			this.messaging.send(this.queue, message.getPayload(), Duration.ofMillis(timeout));
			return true;
		}
		catch (org.springframework.messaging.MessageDeliveryException ex) {
			return false;
		}
	}

	@Override
	public String toString() {
		return "pistil queue '" + this.queue + "'";
	}

}
