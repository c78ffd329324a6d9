package io.pistil.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ArbiterProcess;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as the README runs it: the packaged executable jar.
 */
class SampleApplicationIT {

	private static final Pattern HELLO = Pattern.compile("^\\[hello\\.(\\d) pid (\\d+)\\] .*hello from worker n°(\\d+)$");

	private ArbiterProcess application;

	@AfterEach
	void killEverythingStarted() {
		if (this.application != null) {
			this.application.close();
		}
	}

	@Test
	void threeHelloWorkersSayHelloWithinTenSecondsAndStopOnSigterm(@TempDir Path directory) throws Exception {
		Path pidFile = directory.resolve("app.pid");
		this.application = ArbiterProcess.startJar(Path.of("target", "pistil-sample-app.jar"),
				"--spring.pid.file=" + pidFile);

		this.application.await("three hello workers saying hello", Duration.ofSeconds(10),
				() -> helloPids().size() == 3);

		Map<Integer, Long> workers = this.application.workers("hello");
		assertThat(helloPids()).containsExactlyInAnyOrderElementsOf(workers.values());
		assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(this.application.pid()));
		this.application.awaitReady(Duration.ofSeconds(30));
		assertThat(this.application.workers("w1")).hasSize(1);
		assertThat(this.application.workers("w2")).hasSize(1);

		this.application.signal(UnixSignal.TERM);

		assertThat(this.application.awaitExit(Duration.ofSeconds(12))).isZero();
		assertThat(this.application.remainingWorkers()).isEmpty();
	}

	/** Pids of hello lines whose prefix names the pool and the same pid the worker prints. */
	private Set<Long> helloPids() {
		return this.application.lines().stream().map(HELLO::matcher).filter(Matcher::matches)
			.filter((matcher) -> matcher.group(2).equals(matcher.group(3)))
			.map((matcher) -> Long.parseLong(matcher.group(2))).collect(Collectors.toSet());
	}

}
