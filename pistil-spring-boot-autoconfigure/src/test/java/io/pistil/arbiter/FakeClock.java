package io.pistil.arbiter;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so.
 */
final class FakeClock implements ArbiterClock {

	private static final Instant ORIGIN = Instant.parse("2026-12-01T00:00:00Z");

	private final AtomicLong nanos = new AtomicLong();

	@Override
	public long nanoTime() {
		return this.nanos.get();
	}

	@Override
	public Instant instant() {
		return ORIGIN.plusNanos(this.nanos.get());
	}

	void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
