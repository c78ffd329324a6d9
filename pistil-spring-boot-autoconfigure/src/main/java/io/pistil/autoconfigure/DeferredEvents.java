package io.pistil.autoconfigure;

import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

import io.pistil.arbiter.ArbiterEvent;
import io.pistil.arbiter.ArbiterListener;

/**
 * Publishes the arbiter's events as application events, holding back the ones that come
 * before the context's {@code @EventListener} methods are registered: the arbiter begins
 * spawning while the application is still starting. Held events are published in order
 * once {@link #open()} is called, outside any lock: a listener may call the arbiter, and
 * the arbiter thread, meanwhile publishing more events, only adds them to the queue.
 */
final class DeferredEvents implements ArbiterListener {

	private static final Log logger = LogFactory.getLog(DeferredEvents.class);

	private final ApplicationEventPublisher publisher;

	/** Events not yet published; null once every held one has been. */
	private Deque<ArbiterEvent> held = new ArrayDeque<>();

	private boolean draining;

	DeferredEvents(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void onEvent(ArbiterEvent event) {
		synchronized (this) {
			if (this.held != null) {
				this.held.addLast(event);
				return;
			}
		}
		this.publisher.publishEvent(event);
	}

	/**
	 * Publishes the held events, and every later one at once. A listener that throws is
	 * logged, as the arbiter does for the events it publishes itself.
	 */
	void open() {
		synchronized (this) {
			if (this.held == null || this.draining) {
				return;
			}
			this.draining = true;
		}
		while (true) {
			ArbiterEvent event;
			synchronized (this) {
				event = this.held.pollFirst();
				if (event == null) {
					this.held = null;
					this.draining = false;
					return;
				}
			}
			try {
				this.publisher.publishEvent(event);
			}
			catch (RuntimeException | LinkageError ex) {
				logger.error("pistil: a listener failed on " + event + "; carrying on", ex);
			}
		}
	}

}
