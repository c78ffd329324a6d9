package io.pistil.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

import io.pistil.arbiter.ArbiterEvent;
import io.pistil.arbiter.ArbiterListener;

/**
 * Publishes the arbiter's events as application events, holding back the ones that come
 * before the context's {@code @EventListener} methods are registered: the arbiter begins
 * spawning while the application is still starting. Held events are published in order
 * once {@link #open()} is called.
 */
final class DeferredEvents implements ArbiterListener {

	private static final Log logger = LogFactory.getLog(DeferredEvents.class);

	private final ApplicationEventPublisher publisher;

	private List<ArbiterEvent> held = new ArrayList<>();

	DeferredEvents(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void onEvent(ArbiterEvent event) {
		synchronized (this) {
			if (this.held != null) {
				this.held.add(event);
				return;
			}
		}
		this.publisher.publishEvent(event);
	}

	/**
	 * Publishes the held events, and every later one at once. A listener that throws is
	 * logged, as the arbiter does for the events it publishes itself.
	 */
	synchronized void open() {
		if (this.held != null) {
			for (ArbiterEvent event : this.held) {
				try {
					this.publisher.publishEvent(event);
				}
				catch (RuntimeException ex) {
					logger.error("pistil: a listener failed on " + event + "; carrying on", ex);
				}
			}
			this.held = null;
		}
	}

}
