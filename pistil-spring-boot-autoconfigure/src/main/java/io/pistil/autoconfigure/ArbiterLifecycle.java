package io.pistil.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import io.pistil.arbiter.Arbiter;

/**
 * Starts the arbiter with the application context and stops it with the context.
 *
 * <p>Its phase puts it before the web server on start (the server opens once every worker is ready)
 * and after it on stop. With signal handling on, SIGTERM closes the application gracefully and exits
 * with 0 (the JVM's own handling would exit with 143), and SIGINT does so quickly.
 */
class ArbiterLifecycle implements SmartLifecycle {

	/** Below the web server's graceful-shutdown and start/stop phases. */
	static final int PHASE = Integer.MAX_VALUE - 4096;

	private static final Log logger = LogFactory.getLog(ArbiterLifecycle.class);

	private final Arbiter arbiter;

	private final ConfigurableApplicationContext context;

	private final boolean handleSignals;

	private final AtomicBoolean exiting = new AtomicBoolean();

	private volatile boolean started;

	ArbiterLifecycle(Arbiter arbiter, ConfigurableApplicationContext context, boolean handleSignals) {
		this.arbiter = arbiter;
		this.context = context;
		this.handleSignals = handleSignals;
	}

	@Override
	public void start() {
		if (this.handleSignals) {
			handle("TERM", false);
			handle("INT", true);
		}
		this.arbiter.start();
		this.started = true;
	}

	private void handle(String name, boolean quick) {
		try {
			Signal.handle(new Signal(name), (signal) -> onStopSignal(name, quick));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("pistil: cannot handle SIG" + name + " (" + ex.getMessage() + "); the JVM's default applies");
		}
	}

	/** A signal handler only starts the work on a thread of its own. */
	private void onStopSignal(String name, boolean quick) {
		boolean first = this.exiting.compareAndSet(false, true);
		Thread thread = new Thread(() -> {
			if (quick || !first) {
				this.arbiter.stopQuickly();
			}
			else if (!this.started) {
				// The context cannot close while its refresh waits for the workers: end that wait first.
				this.arbiter.stop();
			}
			if (first) {
				logger.info("pistil: SIG" + name + " received, shutting down");
				System.exit(SpringApplication.exit(this.context));
			}
		}, "pistil-shutdown");
		thread.start();
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
