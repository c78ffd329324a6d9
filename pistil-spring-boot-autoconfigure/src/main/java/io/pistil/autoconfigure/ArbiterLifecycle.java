package io.pistil.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.pistil.arbiter.Arbiter;

/**
 * Waits, as the application context starts, for the workers the arbiter began to spawn
 * when it was created, and stops the arbiter with the context.
 *
 * <p>
 * Its phase puts it before the web server on start (the server opens once every worker is
 * ready) and after it on stop.
 */
class ArbiterLifecycle implements SmartLifecycle {

	/** Below the web server's graceful-shutdown and start/stop phases. */
	static final int PHASE = Integer.MAX_VALUE - 4096;

	private final Arbiter arbiter;

	private final DeferredEvents events;

	private final ArbiterSignals signals;

	private volatile boolean running;

	/**
	 * Creates a lifecycle.
	 * @param arbiter the arbiter
	 * @param events the arbiter's events, held until the context's listeners are in place
	 * @param signals the signal handling to install, or null to leave signals to the JVM
	 */
	ArbiterLifecycle(Arbiter arbiter, DeferredEvents events, ArbiterSignals signals) {
		this.arbiter = arbiter;
		this.events = events;
		this.signals = signals;
	}

	@Override
	public void start() {
		this.events.open();
		if (this.signals != null) {
			this.signals.install();
		}
		this.arbiter.awaitReady();
		this.running = true;
		if (this.signals != null) {
			this.signals.started();
		}
	}

	@Override
	public void stop() {
		this.arbiter.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running && this.arbiter.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
