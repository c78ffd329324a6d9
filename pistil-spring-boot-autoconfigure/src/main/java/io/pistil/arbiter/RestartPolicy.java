package io.pistil.arbiter;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a pool restarts its workers, how soon, and when it gives up.
 *
 * @param type which ends are restarted
 * @param maxRestarts the most restarts within {@code period} before the pool gives up
 * (FAILED)
 * @param period the sliding window of the restart intensity
 * @param backoffMin the delay before the second restart of a worker that keeps crashing
 * (the first is immediate, unless the worker died before it was ready)
 * @param backoffMax the longest delay between two restarts
 * @param backoffReset how long a worker must run for its pool to count it as stable
 * again, ending the backoff
 */
public record RestartPolicy(RestartType type, int maxRestarts, Duration period, Duration backoffMin,
		Duration backoffMax, Duration backoffReset) {

	/**
	 * Permanent workers, 10 restarts a minute at most, backoff from 1 s to 30 s, stable
	 * after 30 s.
	 */
	public static final RestartPolicy DEFAULT = new RestartPolicy(RestartType.PERMANENT, 10, Duration.ofMinutes(1),
			Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));

	/**
	 * Validates the policy for a pool.
	 * @param pool the pool
	 */
	void validate(String pool) {
		if (this.type == null) {
			throw new InvalidSpecException(pool, "restart", null, "must be permanent, transient or temporary");
		}
		if (this.maxRestarts < 0) {
			throw new InvalidSpecException(pool, "max-restarts", this.maxRestarts, "must be 0 or more");
		}
		requirePositive(pool, "period", this.period);
		requirePositive(pool, "backoff-min", this.backoffMin);
		requirePositive(pool, "backoff-reset", this.backoffReset);
		if (this.backoffMax == null || this.backoffMax.compareTo(this.backoffMin) < 0) {
			throw new InvalidSpecException(pool, "backoff-max", this.backoffMax, "must be backoff-min or more");
		}
	}

	private static void requirePositive(String pool, String property, Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new InvalidSpecException(pool, property, value, "must be more than zero");
		}
	}

	/**
	 * The delay before a restart: none for the first of a streak, then exponential from
	 * backoff-min up to backoff-max, with jitter (between half and all of it) so that
	 * crashing workers do not restart in step.
	 * @param streak how many workers of the pool ended in a row without a stable run,
	 * this one included
	 * @param bootFailure whether this one died before it was ready (never restarted at
	 * once)
	 * @return the delay
	 */
	public Duration backoff(int streak, boolean bootFailure) {
		if (streak <= 1 && !bootFailure) {
			return Duration.ZERO;
		}
		long factor = 1L << Math.min(Math.max(streak - 2, 0), 30);
		long nanos = Math.min(this.backoffMax.toNanos(), saturatedMultiply(this.backoffMin.toNanos(), factor));
		return Duration.ofNanos(nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1));
	}

	private static long saturatedMultiply(long a, long b) {
		long high = Math.multiplyHigh(a, b);
		return (high != 0 || a * b < 0) ? Long.MAX_VALUE : a * b;
	}

}
