package io.pistil.messaging;

import java.util.Map;

/**
 * The figures of every queue, in the arbiter: those its hub keeps for local queues, and,
 * for cluster queues, the broker's depth with the counts of this arbiter and its workers.
 */
@FunctionalInterface
public interface MessagingStatistics {

	/** Every queue's figures, by queue name, in declaration order. */
	Map<String, QueueStatistics> queues();

}
