package io.pistil.messaging.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.messaging.MessageDeliveryException;

import io.pistil.messaging.support.ClusterCounts;
import io.pistil.messaging.support.DeliveryHandler;
import io.pistil.messaging.support.DeliveryInfo;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.MessagingSettings;
import io.pistil.messaging.support.QueueSettings;
import io.pistil.messaging.support.QueueSettings.Scope;
import io.pistil.messaging.support.Transport;

/**
 * The cluster scope, through RabbitMQ with Spring AMQP: a quorum queue per queue
 * ({@code x-max-length} with {@code reject-publish} for its capacity,
 * {@code x-delivery-limit} and a dead-letter routing for max-deliveries), publisher
 * confirms (a send returns once the broker has the message), prefetch as back-pressure,
 * direct reply-to for requests, and a fanout exchange per topic. A consumer that dies
 * (its connection closes) leaves its unacknowledged deliveries to the broker, which
 * delivers them again.
 */
public final class RabbitTransport implements Transport {

	/** The name of a topic's fanout exchange. */
	public static String exchange(String topic) {
		return "pistil.topic." + topic;
	}

	private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

	private static final String DELIVERY_COUNT = "x-delivery-count";

	private final CachingConnectionFactory connectionFactory;

	private final RabbitTemplate template;

	private final RabbitAdmin admin;

	private final AsyncRabbitTemplate requests;

	private final MessagingSettings settings;

	private final ClusterCounts counts;

	private final List<DirectMessageListenerContainer> containers = new ArrayList<>();

	/**
	 * Declares the cluster queues and topics on the broker.
	 * @param connectionFactory the application's connection factory (Spring Boot's,
	 * configured by {@code spring.rabbitmq.*}); pistil opens connections of its own with
	 * the same settings, with publisher confirms
	 * @param settings the queues and topics
	 * @param counts where deliveries are counted
	 * @throws AmqpException if the broker cannot be reached or refuses a declaration
	 */
	public RabbitTransport(ConnectionFactory connectionFactory, MessagingSettings settings, ClusterCounts counts) {
		this.settings = settings;
		this.counts = counts;
		this.connectionFactory = (connectionFactory instanceof AbstractConnectionFactory factory)
				? new CachingConnectionFactory(factory.getRabbitConnectionFactory())
				: new CachingConnectionFactory(connectionFactory.getHost(), connectionFactory.getPort());
		this.connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		this.connectionFactory.setConnectionNameStrategy((factory) -> "pistil pid " + ProcessHandle.current().pid());
		this.template = new RabbitTemplate(this.connectionFactory);
		this.admin = new RabbitAdmin(this.connectionFactory);
		this.admin.setAutoStartup(false);
		for (QueueSettings queue : settings.queues(Scope.CLUSTER)) {
			this.admin.declareQueue(quorumQueue(queue));
		}
		settings.topics().forEach((topic, scope) -> {
			if (scope == Scope.CLUSTER) {
				this.admin.declareExchange(new FanoutExchange(exchange(topic), true, false));
			}
		});
		this.requests = new AsyncRabbitTemplate(this.template);
		this.requests.start();
	}

	static Queue quorumQueue(QueueSettings queue) {
		Map<String, Object> arguments = new HashMap<>();
		arguments.put("x-queue-type", "quorum");
		arguments.put("x-max-length", queue.capacity());
		arguments.put("x-overflow", "reject-publish");
		// The broker counts returns, not deliveries: the first delivery is not one.
		arguments.put("x-delivery-limit", queue.maxDeliveries() - 1);
		if (queue.deadLetterQueue() != null) {
			arguments.put("x-dead-letter-exchange", "");
			arguments.put("x-dead-letter-routing-key", queue.deadLetterQueue());
		}
		return new Queue(queue.name(), true, false, false, arguments);
	}

	@Override
	public void send(String queue, Envelope message, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		long pause = 1_000_000;
		while (!publishConfirmed(queue, message)) {
			if (System.nanoTime() - deadline > 0) {
				throw new MessageDeliveryException(
						"Queue '" + queue + "' stayed full for " + timeout.toMillis() + " ms");
			}
			LockSupport.parkNanos(pause);
			pause = Math.min(pause * 2, 100_000_000);
		}
	}

	@Override
	public boolean offer(String queue, Envelope message) {
		return publishConfirmed(queue, message);
	}

	/**
	 * Publishes and waits for the broker's confirm: a nack means the queue is full.
	 * Concurrent senders wait on confirms of their own, which the broker gives in
	 * batches.
	 */
	private boolean publishConfirmed(String queue, Envelope message) {
		Message amqp = toMessage(message);
		CorrelationData correlation = new CorrelationData(amqp.getMessageProperties().getMessageId());
		this.template.send("", queue, amqp, correlation);
		CorrelationData.Confirm confirm;
		try {
			confirm = correlation.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException("Interrupted while waiting for the broker's confirm");
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new MessageDeliveryException(
					"No confirm from the broker for a message to queue '" + queue + "': " + ex);
		}
		if (confirm.ack()) {
			this.counts.sent(queue);
		}
		return confirm.ack();
	}

	@Override
	public CompletableFuture<Envelope> request(String queue, Envelope message, Duration timeout) {
		this.counts.sent(queue);
		return this.requests.sendAndReceive("", queue, toMessage(message)).thenApply(RabbitTransport::toEnvelope);
	}

	@Override
	public void publish(String topic, Envelope message) {
		this.template.send(exchange(topic), "", toMessage(message));
	}

	@Override
	public Subscription listen(String queue, DeliveryHandler handler) {
		QueueSettings settings = this.settings.queue(queue);
		DirectMessageListenerContainer container = container(queue, settings.prefetch());
		container.setMessageListener((Message message) -> {
			MessageProperties properties = message.getMessageProperties();
			Object returns = properties.getHeaders().get(DELIVERY_COUNT);
			int deliveryCount = ((returns instanceof Number number) ? number.intValue() : 0) + 1;
			boolean redelivered = properties.isRedelivered() || deliveryCount > 1;
			this.counts.delivered(queue, redelivered);
			DeliveryInfo delivery = new DeliveryInfo(queue, properties.getMessageId(), redelivered, deliveryCount,
					properties.getReplyTo() != null, headers(properties));
			Envelope reply;
			try {
				reply = handler.handle(toEnvelope(message), delivery);
			}
			catch (Exception ex) {
				this.counts.rejected(queue, deliveryCount >= settings.maxDeliveries());
				throw new ListenerFailedException(ex);
			}
			if (delivery.request()) {
				Message answer = toMessage((reply != null) ? reply : new Envelope(Map.of(), new byte[0]));
				answer.getMessageProperties().setCorrelationId(properties.getCorrelationId());
				this.template.send("", properties.getReplyTo(), answer);
			}
			this.counts.acknowledged(queue);
		});
		container.start();
		return (timeout) -> stop(container);
	}

	@Override
	public Subscription subscribe(String topic, DeliveryHandler handler) {
		// A queue of this subscriber's own, gone with its connection. (Spring AMQP's
		// AnonymousQueue asks for a leader locator that RabbitMQ 3.x refuses on classic
		// queues.)
		Queue queue = new Queue(exchange(topic) + "." + UUID.randomUUID(), false, true, true);
		this.admin.declareQueue(queue);
		this.admin.declareBinding(BindingBuilder.bind(queue).to(new FanoutExchange(exchange(topic), true, false)));
		DirectMessageListenerContainer container = container(queue.getName(), 1);
		container.setMessageListener((Message message) -> {
			MessageProperties properties = message.getMessageProperties();
			try {
				handler.handle(toEnvelope(message),
						new DeliveryInfo(topic, properties.getMessageId(), false, 1, false, headers(properties)));
			}
			catch (Exception ex) {
				throw new ListenerFailedException(ex);
			}
		});
		container.start();
		return (timeout) -> stop(container);
	}

	private DirectMessageListenerContainer container(String queue, int prefetch) {
		DirectMessageListenerContainer container = new DirectMessageListenerContainer(this.connectionFactory);
		container.setQueueNames(queue);
		container.setPrefetchCount(prefetch);
		container.setAcknowledgeMode(AcknowledgeMode.AUTO);
		container.setDefaultRequeueRejected(true);
		container.afterPropertiesSet();
		synchronized (this.containers) {
			this.containers.add(container);
		}
		return container;
	}

	private void stop(DirectMessageListenerContainer container) {
		container.stop();
		synchronized (this.containers) {
			this.containers.remove(container);
		}
	}

	/**
	 * The broker's count of a queue's ready messages, or -1 if it cannot be read now.
	 */
	public long depth(String queue) {
		try {
			QueueInformation information = this.admin.getQueueInfo(queue);
			return (information != null) ? information.getMessageCount() : -1;
		}
		catch (AmqpException ex) {
			return -1;
		}
	}

	@Override
	public void close() {
		synchronized (this.containers) {
			this.containers.forEach(DirectMessageListenerContainer::stop);
			this.containers.clear();
		}
		this.requests.stop();
		this.connectionFactory.destroy();
	}

	private static Message toMessage(Envelope envelope) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(UUID.randomUUID().toString());
		envelope.headers().forEach((name, value) -> {
			if (name.equals(org.springframework.messaging.MessageHeaders.CONTENT_TYPE)) {
				properties.setContentType(value);
			}
			else {
				properties.setHeader(name, value);
			}
		});
		if (!envelope.headers().containsKey(org.springframework.messaging.MessageHeaders.CONTENT_TYPE)) {
			properties.setContentType(null);
		}
		return new Message(envelope.payload(), properties);
	}

	private static Envelope toEnvelope(Message message) {
		return new Envelope(headers(message.getMessageProperties()), message.getBody());
	}

	private static Map<String, String> headers(MessageProperties properties) {
		Map<String, String> headers = new HashMap<>();
		properties.getHeaders().forEach((name, value) -> {
			if (value != null && !name.startsWith("x-")) {
				headers.put(name, value.toString());
			}
		});
		if (properties.getContentType() != null) {
			headers.put(org.springframework.messaging.MessageHeaders.CONTENT_TYPE, properties.getContentType());
		}
		return headers;
	}

	/** A listener's failure, handed to the container so that it rejects the message. */
	private static final class ListenerFailedException extends RuntimeException {

		ListenerFailedException(Exception cause) {
			super(cause.toString(), cause);
		}

	}

}
