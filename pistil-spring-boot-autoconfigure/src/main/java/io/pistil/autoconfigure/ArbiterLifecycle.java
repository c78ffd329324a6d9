package io.pistil.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.pistil.arbiter.Arbiter;
import io.pistil.process.UnixSignal;

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
	 * @param signals the signal handling, in place since the arbiter began
	 */
	ArbiterLifecycle(Arbiter arbiter, DeferredEvents events, ArbiterSignals signals) {
		this.arbiter = arbiter;
		this.events = events;
		this.signals = signals;
	}

	@Override
	public void start() {
		this.events.open();
		RuntimeException failure = null;
		try {
			this.arbiter.awaitReady();
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		if (failure == null && this.signals.started()) {
			this.running = true;
			return;
		}
		UnixSignal signal = this.signals.stoppedWhileStarting();
		if (signal != null) {
			// The signal's own thread stops the arbiter too: the start fails once it has.
			this.arbiter.stop();
			throw new StoppedWhileStartingException(signal);
		}
		throw failure;
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
