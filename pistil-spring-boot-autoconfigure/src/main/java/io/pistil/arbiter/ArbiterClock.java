package io.pistil.arbiter;

import java.time.Instant;

/**
 * The arbiter's time: a monotonic clock for every timeout, backoff and sliding window,
 * and the wall clock for the times it shows. A test gives the arbiter a clock it moves
 * itself.
 */
public interface ArbiterClock {

	/** The system's clocks. */
	ArbiterClock SYSTEM = new ArbiterClock() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public Instant instant() {
			return Instant.now();
		}

	};

	/**
	 * Returns monotonic time: only differences between two readings mean anything.
	 * @return nanoseconds since an arbitrary origin
	 */
	long nanoTime();

	/**
	 * Returns the wall-clock time.
	 * @return now
	 */
	Instant instant();

}
