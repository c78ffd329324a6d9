package io.pistil.messaging.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.pistil.messaging.support.QueueSettings.Scope;

/**
 * Configuration of pistil's queues and topics.
 */
@ConfigurationProperties("pistil.messaging")
public class MessagingProperties {

	/**
	 * Queues by name: each one consumed by @PistilListener methods of workers or of the
	 * arbiter.
	 */
	private final Map<String, Queue> queues = new LinkedHashMap<>();

	/**
	 * Topics by name: every subscriber alive when a message is published gets it.
	 */
	private final Map<String, Topic> topics = new LinkedHashMap<>();

	/**
	 * How long the hub and each worker keep polling their shared memory once idle before
	 * they block (at rest they use no CPU).
	 */
	private Duration spin = Duration.ofNanos(50_000);

	/**
	 * Size of each of the two shared-memory rings between a worker and the arbiter; a
	 * message may take up to a quarter of it.
	 */
	private DataSize ringSize = DataSize.ofMegabytes(4);

	public Map<String, Queue> getQueues() {
		return this.queues;
	}

	public Map<String, Topic> getTopics() {
		return this.topics;
	}

	public Duration getSpin() {
		return this.spin;
	}

	public void setSpin(Duration spin) {
		this.spin = spin;
	}

	public DataSize getRingSize() {
		return this.ringSize;
	}

	public void setRingSize(DataSize ringSize) {
		this.ringSize = ringSize;
	}

	/** One queue. */
	public static class Queue {

		/**
		 * Where the queue's messages travel: 'local' (between the arbiter and its
		 * workers, through the arbiter) or 'cluster' (between nodes, through RabbitMQ).
		 */
		private Scope scope = Scope.LOCAL;

		/**
		 * The most messages the queue holds waiting for a consumer: send waits and offer
		 * returns false beyond.
		 */
		private int capacity = 10_000;

		/**
		 * The most deliveries a consumer (a listener in one worker) has unacknowledged at
		 * once.
		 */
		private int prefetch = 32;

		/**
		 * How many times a message is delivered before it is dead-lettered: its handler
		 * failed or its consumer died each time.
		 */
		private int maxDeliveries = 5;

		/**
		 * Queue that dead letters go to (same scope); none to drop them, logged.
		 */
		private String deadLetterQueue;

		/**
		 * How long send waits while the queue is full.
		 */
		private Duration sendTimeout = Duration.ofSeconds(30);

		public Scope getScope() {
			return this.scope;
		}

		public void setScope(Scope scope) {
			this.scope = scope;
		}

		public int getCapacity() {
			return this.capacity;
		}

		public void setCapacity(int capacity) {
			this.capacity = capacity;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

		public String getDeadLetterQueue() {
			return this.deadLetterQueue;
		}

		public void setDeadLetterQueue(String deadLetterQueue) {
			this.deadLetterQueue = deadLetterQueue;
		}

		public Duration getSendTimeout() {
			return this.sendTimeout;
		}

		public void setSendTimeout(Duration sendTimeout) {
			this.sendTimeout = sendTimeout;
		}

	}

	/** One topic. */
	public static class Topic {

		/**
		 * Where the topic's messages travel: 'local' (the arbiter and its workers) or
		 * 'cluster' (every node, through a RabbitMQ fanout exchange).
		 */
		private Scope scope = Scope.LOCAL;

		public Scope getScope() {
			return this.scope;
		}

		public void setScope(Scope scope) {
			this.scope = scope;
		}

	}

}
