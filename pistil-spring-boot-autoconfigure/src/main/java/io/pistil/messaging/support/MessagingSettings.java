package io.pistil.messaging.support;

import java.util.List;
import java.util.Map;

import io.pistil.messaging.support.QueueSettings.Scope;

/**
 * The queues and topics, validated: what every context of an application (the arbiter,
 * each worker) agrees on, since all read the same configuration.
 *
 * @param queues the queues by name, in declaration order
 * @param topics the topics' scopes by name
 */
public record MessagingSettings(Map<String, QueueSettings> queues, Map<String, Scope> topics) {

	public MessagingSettings {
		queues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(queues));
		topics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(topics));
	}

	/**
	 * Returns a queue's settings.
	 * @param name the queue
	 * @return its settings
	 * @throws IllegalArgumentException if no such queue is declared
	 */
	public QueueSettings queue(String name) {
		QueueSettings queue = this.queues.get(name);
		if (queue == null) {
			throw new IllegalArgumentException("No queue '" + name + "': declare it under pistil.messaging.queues."
					+ name + " (the queues are " + this.queues.keySet() + ")");
		}
		return queue;
	}

	/**
	 * Returns a topic's scope.
	 * @param name the topic
	 * @return its scope
	 * @throws IllegalArgumentException if no such topic is declared
	 */
	public Scope topic(String name) {
		Scope scope = this.topics.get(name);
		if (scope == null) {
			throw new IllegalArgumentException("No topic '" + name + "': declare it under pistil.messaging.topics."
					+ name + " (the topics are " + this.topics.keySet() + ")");
		}
		return scope;
	}

	/** The queues of a scope. */
	public List<QueueSettings> queues(Scope scope) {
		return this.queues.values().stream().filter((queue) -> queue.scope() == scope).toList();
	}

	/** Whether a queue or a topic goes between nodes. */
	public boolean usesCluster() {
		return !queues(Scope.CLUSTER).isEmpty() || this.topics.containsValue(Scope.CLUSTER);
	}

}
