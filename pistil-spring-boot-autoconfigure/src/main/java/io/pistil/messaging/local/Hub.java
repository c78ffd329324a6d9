package io.pistil.messaging.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.messaging.QueueStatistics;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.QueueSettings;

/**
 * The decisions of the local hub, free of threads and I/O: which consumer gets which
 * message, what is in flight with whom, what goes back to a queue when its consumer
 * rejects it or is gone, and when a message is dead-lettered. The hub's thread calls it;
 * whatever must leave the hub goes through the {@link Outbox}.
 *
 * <p>
 * A queue holds its ready messages in order; a message taken back (its consumer gone or
 * its handler failed) goes to the front, flagged redelivered, so the queue is FIFO except
 * after a redelivery. Each consumer has at most its queue's {@code prefetch} messages in
 * flight; a message delivered {@code max-deliveries} times and still not acknowledged is
 * dead-lettered.
 */
final class Hub {

	private static final Log logger = LogFactory.getLog(Hub.class);

	private final Map<String, Queue> queues = new LinkedHashMap<>();

	private final Map<String, List<TopicSubscription>> topics = new LinkedHashMap<>();

	private final Outbox outbox;

	private long nextTag = 1;

	private long nextMessageId = 1;

	/**
	 * Creates a hub.
	 * @param settings the local queues
	 * @param outbox where deliveries, topic messages and responses go
	 */
	Hub(List<QueueSettings> settings, Outbox outbox) {
		this.outbox = outbox;
		for (QueueSettings queue : settings) {
			this.queues.put(queue.name(), new Queue(queue));
		}
	}

	/**
	 * Takes a message into a queue (its producer has already reserved its room).
	 * @param queue the queue
	 * @param envelope the message
	 * @param replyTo where the reply goes, for a request, else null
	 */
	void accept(String queue, Envelope envelope, ReplyTo replyTo) {
		Queue target = queue(queue);
		target.sent++;
		target.pending.addLast(new Message(this.nextMessageId++, envelope, replyTo));
		target.depth = target.pending.size();
		dispatch(target);
	}

	/**
	 * Adds a consumer of a queue.
	 * @param owner the channel (or local listener) the deliveries go to
	 * @param id the subscription's id for its owner
	 * @param queue the queue
	 * @return the subscription
	 */
	Subscription subscribe(Object owner, int id, String queue) {
		Queue target = queue(queue);
		Subscription subscription = new Subscription(owner, id, target);
		target.subscriptions.add(subscription);
		dispatch(target);
		return subscription;
	}

	void subscribeTopic(Object owner, int id, String topic) {
		this.topics.computeIfAbsent(topic, (name) -> new ArrayList<>()).add(new TopicSubscription(owner, id));
	}

	/** Sends a message to every subscriber of a topic at this moment. */
	void publish(String topic, Envelope envelope) {
		for (TopicSubscription subscription : this.topics.getOrDefault(topic, List.of())) {
			this.outbox.topicMessage(subscription.owner, subscription.id, envelope);
		}
	}

	/** The consumer has handled a delivery. */
	void acknowledge(Subscription subscription, long tag) {
		if (finish(subscription, tag) != null) {
			subscription.queue.acknowledged++;
			dispatch(subscription.queue);
		}
	}

	/** The consumer has handled a request and replied. */
	void reply(Subscription subscription, long tag, Envelope reply) {
		Message message = finish(subscription, tag);
		if (message != null) {
			subscription.queue.acknowledged++;
			if (message.replyTo != null) {
				this.outbox.response(message.replyTo.requester, message.replyTo.requestId, reply, null);
			}
			dispatch(subscription.queue);
		}
	}

	/**
	 * The consumer's handler failed: the message is delivered again, or dead-lettered.
	 */
	void reject(Subscription subscription, long tag, String error) {
		Message message = finish(subscription, tag);
		if (message != null) {
			message.lastError = error;
			takeBack(subscription.queue, List.of(message));
			dispatch(subscription.queue);
		}
	}

	/**
	 * The consumer hands a delivery back without having handled it (it is stopping): the
	 * delivery does not count.
	 */
	void release(Subscription subscription, long tag) {
		Message message = finish(subscription, tag);
		if (message != null) {
			message.deliveries--;
			subscription.queue.pending.addFirst(message);
			subscription.queue.depth = subscription.queue.pending.size();
			this.outbox.depthChanged(subscription.queue.settings, 1);
			dispatch(subscription.queue);
		}
	}

	/** Ends a subscription: what it has in flight goes back to its queue. */
	void unsubscribe(Subscription subscription) {
		Queue queue = subscription.queue;
		if (queue.subscriptions.remove(subscription)) {
			List<Message> inFlight = new ArrayList<>(subscription.inFlight.values());
			subscription.inFlight.clear();
			queue.inFlight -= inFlight.size();
			takeBack(queue, inFlight);
			dispatch(queue);
		}
	}

	/**
	 * An owner is gone (its worker died, or closed its channel): every delivery it had in
	 * flight goes back to its queue, to another consumer.
	 */
	void close(Object owner) {
		for (Queue queue : this.queues.values()) {
			for (Subscription subscription : List.copyOf(queue.subscriptions)) {
				if (subscription.owner == owner) {
					unsubscribe(subscription);
				}
			}
		}
		this.topics.values().forEach((subscribers) -> subscribers.removeIf((topic) -> topic.owner == owner));
	}

	/** Every local queue's figures. */
	Map<String, QueueStatistics> statistics() {
		Map<String, QueueStatistics> statistics = new LinkedHashMap<>();
		this.queues.values().forEach((queue) -> statistics.put(queue.settings.name(), queue.statistics()));
		return statistics;
	}

	/** The figures of one local queue; readable from any thread. */
	QueueStatistics statistics(String queue) {
		return queue(queue).statistics();
	}

	private Message finish(Subscription subscription, long tag) {
		Message message = subscription.inFlight.remove(tag);
		if (message == null) {
			logger.warn("pistil: no delivery " + tag + " in flight on queue " + subscription.queue.settings.name());
			return null;
		}
		subscription.queue.inFlight--;
		return message;
	}

	/**
	 * Puts messages back at the front of their queue in their order, flagged redelivered;
	 * the ones delivered max-deliveries times are dead-lettered instead.
	 */
	private void takeBack(Queue queue, List<Message> messages) {
		for (int i = messages.size() - 1; i >= 0; i--) {
			Message message = messages.get(i);
			if (message.deliveries >= queue.settings.maxDeliveries()) {
				deadLetter(queue, message);
			}
			else {
				queue.pending.addFirst(message);
				this.outbox.depthChanged(queue.settings, 1);
			}
		}
		queue.depth = queue.pending.size();
	}

	private void deadLetter(Queue queue, Message message) {
		queue.deadLettered++;
		String reason = "delivered " + message.deliveries + " times (max-deliveries), last error: "
				+ ((message.lastError != null) ? message.lastError : "its consumer ended");
		logger
			.warn("pistil: message " + message.id + " of queue " + queue.settings.name() + " dead-lettered: " + reason);
		if (message.replyTo != null) {
			this.outbox.response(message.replyTo.requester, message.replyTo.requestId, null,
					"The request to queue '" + queue.settings.name() + "' was " + reason);
		}
		String deadLetterQueue = queue.settings.deadLetterQueue();
		if (deadLetterQueue != null) {
			Queue target = queue(deadLetterQueue);
			this.outbox.depthChanged(target.settings, 1);
			accept(deadLetterQueue, message.envelope, null);
		}
	}

	private void dispatch(Queue queue) {
		List<Subscription> subscriptions = queue.subscriptions;
		int count = subscriptions.size();
		while (!queue.pending.isEmpty() && count > 0) {
			Subscription next = null;
			for (int i = 0; i < count; i++) {
				Subscription candidate = subscriptions.get((queue.nextSubscription + i) % count);
				if (candidate.inFlight.size() < queue.settings.prefetch()) {
					next = candidate;
					queue.nextSubscription = (queue.nextSubscription + i + 1) % count;
					break;
				}
			}
			if (next == null) {
				break;
			}
			Message message = queue.pending.pollFirst();
			message.deliveries++;
			boolean redelivered = message.deliveries > 1;
			if (redelivered) {
				queue.redelivered++;
			}
			long tag = this.nextTag++;
			next.inFlight.put(tag, message);
			queue.inFlight++;
			this.outbox.depthChanged(queue.settings, -1);
			this.outbox.delivery(next.owner, next.id, tag, message.id, message.deliveries, redelivered,
					message.replyTo != null, message.envelope);
		}
		queue.depth = queue.pending.size();
	}

	private Queue queue(String name) {
		Queue queue = this.queues.get(name);
		if (queue == null) {
			throw new IllegalArgumentException("No local queue '" + name + "'");
		}
		return queue;
	}

	/** Where a request's reply goes. */
	record ReplyTo(Object requester, long requestId) {
	}

	/** Whatever leaves the hub. */
	interface Outbox {

		void delivery(Object owner, int subscription, long tag, long messageId, int deliveryCount, boolean redelivered,
				boolean request, Envelope envelope);

		void topicMessage(Object owner, int subscription, Envelope envelope);

		/**
		 * A request's outcome: its reply, or why it failed.
		 */
		void response(Object requester, long requestId, Envelope reply, String error);

		/** A queue's count of ready messages moved, for producers' back-pressure. */
		void depthChanged(QueueSettings queue, int delta);

	}

	/** A consumer of a queue. */
	static final class Subscription {

		final Object owner;

		final int id;

		final Queue queue;

		/** In delivery order: a consumer's handler takes them one at a time. */
		final LinkedHashMap<Long, Message> inFlight = new LinkedHashMap<>();

		Subscription(Object owner, int id, Queue queue) {
			this.owner = owner;
			this.id = id;
			this.queue = queue;
		}

		int inFlight() {
			return this.inFlight.size();
		}

	}

	private record TopicSubscription(Object owner, int id) {
	}

	private static final class Message {

		final long id;

		final Envelope envelope;

		final ReplyTo replyTo;

		int deliveries;

		String lastError;

		Message(long id, Envelope envelope, ReplyTo replyTo) {
			this.id = id;
			this.envelope = envelope;
			this.replyTo = replyTo;
		}

	}

	/** One queue; its figures are written by the hub's thread only, and read by any. */
	static final class Queue {

		final QueueSettings settings;

		final ArrayDeque<Message> pending = new ArrayDeque<>();

		final List<Subscription> subscriptions = new ArrayList<>();

		int nextSubscription;

		volatile int depth;

		volatile int inFlight;

		volatile long sent;

		volatile long acknowledged;

		volatile long redelivered;

		volatile long deadLettered;

		Queue(QueueSettings settings) {
			this.settings = settings;
		}

		QueueStatistics statistics() {
			return new QueueStatistics(this.depth, this.inFlight, this.sent, this.acknowledged, this.redelivered,
					this.deadLettered);
		}

	}

}
