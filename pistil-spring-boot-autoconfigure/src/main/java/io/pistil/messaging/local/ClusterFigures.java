package io.pistil.messaging.local;

import java.util.concurrent.atomic.LongAdder;

import io.pistil.messaging.QueueStatistics;

/**
 * The counts of one cluster queue that the arbiter and its workers report to the hub; the
 * broker has the rest (its depth).
 */
final class ClusterFigures {

	static final int SENT = 1;

	static final int DELIVERED = 2;

	static final int REDELIVERED = 3;

	static final int ACKNOWLEDGED = 4;

	static final int REJECTED = 5;

	static final int DEAD_LETTERED = 6;

	private final LongAdder sent = new LongAdder();

	private final LongAdder inFlight = new LongAdder();

	private final LongAdder acknowledged = new LongAdder();

	private final LongAdder redelivered = new LongAdder();

	private final LongAdder deadLettered = new LongAdder();

	/**
	 * Counts one event.
	 * @param kind one of the constants
	 * @return how the count of deliveries in flight moved
	 */
	int count(int kind) {
		switch (kind) {
			case SENT -> this.sent.increment();
			case DELIVERED, REDELIVERED -> {
				this.inFlight.increment();
				if (kind == REDELIVERED) {
					this.redelivered.increment();
				}
				return 1;
			}
			case ACKNOWLEDGED -> {
				this.inFlight.decrement();
				this.acknowledged.increment();
				return -1;
			}
			case REJECTED, DEAD_LETTERED -> {
				this.inFlight.decrement();
				if (kind == DEAD_LETTERED) {
					this.deadLettered.increment();
				}
				return -1;
			}
			default -> throw new IllegalArgumentException("Unknown count " + kind);
		}
		return 0;
	}

	/** A consumer is gone: the broker takes its deliveries back. */
	void abandoned(long deliveries) {
		this.inFlight.add(-deliveries);
	}

	QueueStatistics statistics(long depth) {
		return new QueueStatistics(depth, this.inFlight.sum(), this.sent.sum(), this.acknowledged.sum(),
				this.redelivered.sum(), this.deadLettered.sum());
	}

}
