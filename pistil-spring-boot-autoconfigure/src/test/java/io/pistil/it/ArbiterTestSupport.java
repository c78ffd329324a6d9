package io.pistil.it;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;

/**
 * What every test of an arbiter application in a JVM of its own shares: the application,
 * killed with everything it spawned after each test.
 */
public abstract class ArbiterTestSupport {

	/** Generous: a CI machine with two cores may boot several JVMs at once. */
	protected static final Duration READY = Duration.ofSeconds(90);

	protected ArbiterProcess arbiter;

	@AfterEach
	protected void killEverythingStarted() {
		if (this.arbiter != null) {
			this.arbiter.close();
		}
	}

}
