package io.pistil.messaging.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.pistil.messaging.PistilMessaging;
import io.pistil.messaging.support.QueueSettings.Scope;

/**
 * {@link PistilMessaging} over the transports: each queue and topic goes through the
 * transport of its scope.
 */
public final class DefaultPistilMessaging implements PistilMessaging {

	private final MessagingSettings settings;

	private final Transport local;

	private final Transport cluster;

	private final PayloadConverter converter;

	/**
	 * Creates the messaging.
	 * @param settings the queues and topics
	 * @param local the local transport
	 * @param cluster the cluster transport, or null when no queue or topic uses it
	 * @param converter the payloads' converter
	 */
	public DefaultPistilMessaging(MessagingSettings settings, Transport local, Transport cluster,
			PayloadConverter converter) {
		this.settings = settings;
		this.local = local;
		this.cluster = cluster;
		this.converter = converter;
	}

	@Override
	public void send(String queue, Object payload) {
		send(queue, payload, this.settings.queue(queue).sendTimeout());
	}

	@Override
	public void send(String queue, Object payload, Duration timeout) {
		queueTransport(queue).send(queue, this.converter.toEnvelope(payload), timeout);
	}

	@Override
	public boolean offer(String queue, Object payload) {
		return queueTransport(queue).offer(queue, this.converter.toEnvelope(payload));
	}

	@Override
	public <T> CompletableFuture<T> request(String queue, Object payload, Class<T> replyType) {
		return queueTransport(queue)
			.request(queue, this.converter.toEnvelope(payload), this.settings.queue(queue).sendTimeout())
			.thenApply((reply) -> replyType.cast(this.converter.fromEnvelope(reply, replyType)));
	}

	@Override
	public void publish(String topic, Object payload) {
		transport(this.settings.topic(topic)).publish(topic, this.converter.toEnvelope(payload));
	}

	/**
	 * Consumes a queue.
	 * @param queue the queue
	 * @param handler the listener
	 * @return the subscription
	 */
	public Transport.Subscription listen(String queue, DeliveryHandler handler) {
		return queueTransport(queue).listen(queue, handler);
	}

	/**
	 * Subscribes to a topic.
	 * @param topic the topic
	 * @param handler the listener
	 * @return the subscription
	 */
	public Transport.Subscription subscribe(String topic, DeliveryHandler handler) {
		return transport(this.settings.topic(topic)).subscribe(topic, handler);
	}

	public PayloadConverter converter() {
		return this.converter;
	}

	public MessagingSettings settings() {
		return this.settings;
	}

	private Transport queueTransport(String queue) {
		return transport(this.settings.queue(queue).scope());
	}

	private Transport transport(Scope scope) {
		return (scope == Scope.LOCAL) ? this.local : this.cluster;
	}

}
