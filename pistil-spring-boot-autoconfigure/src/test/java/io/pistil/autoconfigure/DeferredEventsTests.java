package io.pistil.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.pistil.arbiter.ArbiterEvent.ArbiterReady;
import io.pistil.arbiter.ArbiterEvent.PoolResized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The arbiter's events held until the context's listeners are in place, then published in
 * order, without a lock that the arbiter thread would wait on.
 */
class DeferredEventsTests {

	private final List<Object> published = new CopyOnWriteArrayList<>();

	@Test
	void eventsBeforeOpenAreHeldThenPublishedInOrderAndLaterOnesAtOnce() {
		DeferredEvents events = new DeferredEvents(this.published::add);
		events.onEvent(new PoolResized("a", 1, 2));
		events.onEvent(new ArbiterReady(1));
		assertThat(this.published).isEmpty();

		events.open();
		events.onEvent(new PoolResized("a", 2, 3));

		assertThat(this.published).containsExactly(new PoolResized("a", 1, 2), new ArbiterReady(1),
				new PoolResized("a", 2, 3));
	}

	@Test
	void aListenerThatWaitsForTheArbiterThreadWhileHeldEventsArePublishedDoesNotDeadlock() {
		CountDownLatch arbiterPublished = new CountDownLatch(1);
		DeferredEvents[] events = new DeferredEvents[1];
		events[0] = new DeferredEvents((event) -> {
			this.published.add(event);
			if (event instanceof ArbiterReady) {
				// A listener asks the arbiter something; the arbiter thread, meanwhile,
				// publishes.
				Thread arbiterThread = new Thread(() -> {
					events[0].onEvent(new PoolResized("a", 1, 2));
					arbiterPublished.countDown();
				});
				arbiterThread.start();
				await(arbiterPublished);
			}
		});
		events[0].onEvent(new ArbiterReady(1));

		assertTimeoutPreemptively(Duration.ofSeconds(10), events[0]::open);

		assertThat(this.published).containsExactly(new ArbiterReady(1), new PoolResized("a", 1, 2));
	}

	@Test
	void aListenerThatFailsStopsNoOtherEvent() {
		DeferredEvents events = new DeferredEvents((event) -> {
			this.published.add(event);
			throw new NoClassDefFoundError("com/example/Listener");
		});
		events.onEvent(new ArbiterReady(1));
		events.onEvent(new PoolResized("a", 1, 2));

		events.open();

		assertThat(this.published).hasSize(2);
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
