package io.pistil.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

/**
 * What every test of an arbiter application in a JVM of its own shares: the application,
 * killed with everything it spawned after each test, and helpers to read its output.
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

	/** How many output lines contain a text. */
	protected int count(String text) {
		return (int) this.arbiter.lines().stream().filter((line) -> line.contains(text)).count();
	}

	/** The index of the first line after {@code from} that contains a text, or -1. */
	protected static int indexOf(List<String> lines, String text, int from) {
		for (int i = from + 1; i < lines.size(); i++) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		return -1;
	}

	protected static int indexOf(List<String> lines, String text) {
		return indexOf(lines, text, -1);
	}

}
