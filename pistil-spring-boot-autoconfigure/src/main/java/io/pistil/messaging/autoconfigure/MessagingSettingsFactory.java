package io.pistil.messaging.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

import io.pistil.messaging.support.MessagingSettings;
import io.pistil.messaging.support.QueueSettings;
import io.pistil.messaging.support.QueueSettings.Scope;

/**
 * Validates the {@code pistil.messaging.*} properties into {@link MessagingSettings}; an
 * invalid value stops the start naming its property.
 */
final class MessagingSettingsFactory {

	static final String RABBIT_TEMPLATE = "org.springframework.amqp.rabbit.core.RabbitTemplate";

	private static final String QUEUES = "pistil.messaging.queues.";

	private static final String TOPICS = "pistil.messaging.topics.";

	/** The queue table's limits (io.pistil.messaging.local.QueueTable). */
	private static final int MAX_LOCAL_QUEUES = 128;

	private static final int MAX_NAME_BYTES = 100;

	private static final long MIN_RING = 64 * 1024;

	private static final long MAX_RING = 1L << 30;

	private MessagingSettingsFactory() {
	}

	static MessagingSettings settings(MessagingProperties properties, ClassLoader classLoader) {
		boolean rabbit = ClassUtils.isPresent(RABBIT_TEMPLATE, classLoader);
		Map<String, QueueSettings> queues = new LinkedHashMap<>();
		properties.getQueues().forEach((name, queue) -> queues.put(name, queue(name, queue, rabbit)));
		queues.values().forEach((queue) -> checkDeadLetterQueue(queue, queues));
		long local = queues.values().stream().filter((queue) -> queue.scope() == Scope.LOCAL).count();
		if (local > MAX_LOCAL_QUEUES) {
			throw new InvalidMessagingPropertyException("pistil.messaging.queues", local + " local queues",
					"at most " + MAX_LOCAL_QUEUES + " queues may have scope local");
		}
		Map<String, Scope> topics = new LinkedHashMap<>();
		properties.getTopics().forEach((name, topic) -> {
			checkScope(TOPICS + name + ".scope", topic.getScope(), rabbit);
			topics.put(name, topic.getScope());
		});
		ringSize(properties);
		if (properties.getSpin().isNegative()) {
			throw new InvalidMessagingPropertyException("pistil.messaging.spin", display(properties.getSpin()),
					"must be 0 or more");
		}
		return new MessagingSettings(queues, topics);
	}

	/** The rings' capacity in bytes, checked. */
	static int ringSize(MessagingProperties properties) {
		long bytes = properties.getRingSize().toBytes();
		if (bytes < MIN_RING || bytes > MAX_RING || Long.bitCount(bytes) != 1) {
			throw new InvalidMessagingPropertyException("pistil.messaging.ring-size", display(properties.getRingSize()),
					"must be a power of two between 64KB and 1GB");
		}
		return (int) bytes;
	}

	private static QueueSettings queue(String name, MessagingProperties.Queue queue, boolean rabbit) {
		String prefix = QUEUES + name + ".";
		checkScope(prefix + "scope", queue.getScope(), rabbit);
		if (queue.getScope() == Scope.LOCAL && name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
			throw new InvalidMessagingPropertyException(QUEUES + name, name,
					"a local queue's name takes at most " + MAX_NAME_BYTES + " bytes");
		}
		atLeastOne(prefix + "capacity", queue.getCapacity());
		atLeastOne(prefix + "prefetch", queue.getPrefetch());
		atLeastOne(prefix + "max-deliveries", queue.getMaxDeliveries());
		if (queue.getSendTimeout().isNegative() || queue.getSendTimeout().isZero()) {
			throw new InvalidMessagingPropertyException(prefix + "send-timeout", display(queue.getSendTimeout()),
					"must be more than 0");
		}
		String deadLetterQueue = (queue.getDeadLetterQueue() == null || queue.getDeadLetterQueue().isBlank()) ? null
				: queue.getDeadLetterQueue();
		return new QueueSettings(name, queue.getScope(), queue.getCapacity(), queue.getPrefetch(),
				queue.getMaxDeliveries(), deadLetterQueue, queue.getSendTimeout());
	}

	private static void checkDeadLetterQueue(QueueSettings queue, Map<String, QueueSettings> queues) {
		String target = queue.deadLetterQueue();
		if (target == null) {
			return;
		}
		String property = QUEUES + queue.name() + ".dead-letter-queue";
		QueueSettings deadLetters = queues.get(target);
		if (deadLetters == null) {
			throw new InvalidMessagingPropertyException(property, target,
					"no such queue; the queues are " + queues.keySet());
		}
		if (target.equals(queue.name())) {
			throw new InvalidMessagingPropertyException(property, target,
					"a queue cannot be its own dead-letter queue");
		}
		if (deadLetters.scope() != queue.scope()) {
			throw new InvalidMessagingPropertyException(property, target,
					"the dead-letter queue must have the same scope (" + queue.scope().name().toLowerCase() + ")");
		}
	}

	private static void checkScope(String property, Scope scope, boolean rabbit) {
		if (scope == Scope.CLUSTER && !rabbit) {
			throw new InvalidMessagingPropertyException(property, "cluster",
					"the cluster scope needs Spring AMQP (spring-rabbit) on the class path:"
							+ " add spring-boot-starter-amqp to the application");
		}
	}

	/** A size as configuration writes it (4MB, 64KB), not in bytes. */
	private static String display(DataSize size) {
		long bytes = size.toBytes();
		if (bytes != 0 && bytes % DataSize.ofMegabytes(1).toBytes() == 0) {
			return size.toMegabytes() + "MB";
		}
		return (bytes != 0 && bytes % 1024 == 0) ? size.toKilobytes() + "KB" : bytes + "B";
	}

	/** A duration as configuration writes it (30s, 500ms), not as ISO-8601. */
	private static String display(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private static void atLeastOne(String property, int value) {
		if (value < 1) {
			throw new InvalidMessagingPropertyException(property, value, "must be 1 or more");
		}
	}

}
