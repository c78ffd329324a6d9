package io.pistil.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.pistil.arbiter.Arbiter;

/**
 * Starts the arbiter with the application context and stops it with the context.
 *
 * <p>Its phase puts it before the web server on start (the server opens once every worker is ready)
 * and after it on stop.
 */
class ArbiterLifecycle implements SmartLifecycle {

	/** Below the web server's graceful-shutdown and start/stop phases. */
	static final int PHASE = Integer.MAX_VALUE - 4096;

	private final Arbiter arbiter;

	private final ArbiterSignals signals;

	/**
	 * Creates a lifecycle.
	 * @param arbiter the arbiter
	 * @param signals the signal handling to install, or null to leave signals to the JVM
	 */
	ArbiterLifecycle(Arbiter arbiter, ArbiterSignals signals) {
		this.arbiter = arbiter;
		this.signals = signals;
	}

	@Override
	public void start() {
		if (this.signals != null) {
			this.signals.install();
		}
		this.arbiter.start();
		if (this.signals != null) {
			this.signals.started();
		}
	}

	@Override
	public void stop() {
		this.arbiter.stop();
	}

	@Override
	public boolean isRunning() {
		return this.arbiter.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
