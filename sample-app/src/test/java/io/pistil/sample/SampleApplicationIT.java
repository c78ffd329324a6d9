package io.pistil.sample;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as the README runs it: the packaged executable jar, its output,
 * its pid file and its actuator.
 */
class SampleApplicationIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	/**
	 * The tcp pools on ports of the kernel's choosing: these tests do not connect to
	 * them.
	 */
	private static final String[] TCP_ON_ANY_PORT = { "--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
			"--pistil.workers.fserve.listen=127.0.0.1:0" };

	private static final Duration READY = Duration.ofSeconds(30);

	/**
	 * A hello worker's line: the prefix pistil gives every line of a worker (pool,
	 * number, pid), then what the sample's HelloWorker logs.
	 */
	private static final Pattern HELLO = Pattern
		.compile("^\\[hello\\.(\\d) pid (\\d+)\\] .*hello from worker n°(\\d+)$");

	/** Leaves port 8080 to a sample application that may be running. */
	private final int port = SampleHttp.freePort();

	private final ActuatorClient actuator = ActuatorClient.onPort(this.port);

	@Test
	void threeHelloWorkersSayHelloWithinTenSecondsAndStopOnSigterm(@TempDir Path directory) throws Exception {
		Path pidFile = directory.resolve("app.pid");
		this.arbiter = start(pidFile);

		this.arbiter.await("three hello workers saying hello", Duration.ofSeconds(10), () -> helloPids().size() == 3);

		Map<Integer, Long> workers = this.arbiter.workers("hello");
		assertThat(helloPids()).containsExactlyInAnyOrderElementsOf(workers.values());
		assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(this.arbiter.pid()));
		awaitReady();
		assertThat(this.arbiter.workers("w1")).hasSize(1);
		assertThat(this.arbiter.workers("w2")).hasSize(1);

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(12))).isZero();
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void actuatorOnLocalhostShowsThePoolsScalesHelloAndReportsHealthAndMetrics(@TempDir Path directory) {
		this.arbiter = start(directory.resolve("app.pid"));
		awaitReady();

		DocumentContext pistil = this.actuator.read("/actuator/pistil");
		assertThat(pistil.read("$.pid", Long.class)).isEqualTo(this.arbiter.pid());
		assertThat(pistil.read("$.pools", Map.class)).containsOnlyKeys("hello", "w1", "w2", "tcp_pool", "grabber",
				"fserve");
		assertThat(pistil.read("$.pools.hello.desired", Integer.class)).isEqualTo(3);

		HttpResponse<String> scaled = this.actuator.post("/actuator/pistil/hello", "{\"workers\": 5}");

		assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
		this.arbiter.await("five hello workers", READY, () -> this.arbiter.workers("hello").size() == 5);
		// Ready again once the two new workers are: DOWN (503) while they boot.
		this.arbiter.await("ready with five hello workers", READY,
				() -> this.actuator.answers("/actuator/health/readiness", 200)
						&& JsonPath.parse(this.actuator.get("/actuator/health/pistil").body())
							.read("$.details.pools.hello.ready", Integer.class) == 5);
		assertThat(this.actuator.read("/actuator/health").read("$.status", String.class)).isEqualTo("UP");
		this.arbiter.await("five hello workers measured", READY,
				() -> this.actuator.read("/actuator/metrics/pistil.workers?tag=pool:hello")
					.read("$.measurements[0].value", Double.class) == 5);
	}

	private ArbiterProcess start(Path pidFile) {
		return ArbiterProcess.startJar(JAR, "--spring.pid.file=" + pidFile, "--server.port=" + this.port,
				TCP_ON_ANY_PORT[0], TCP_ON_ANY_PORT[1]);
	}

	/**
	 * The web server starts once every pool is ready; readiness includes pistil's health.
	 */
	private void awaitReady() {
		this.arbiter.await("the application ready", READY,
				() -> this.actuator.answers("/actuator/health/readiness", 200));
	}

	/**
	 * Pids of hello lines whose prefix names the pool and the same pid the worker prints.
	 */
	private Set<Long> helloPids() {
		return this.arbiter.lines()
			.stream()
			.map(HELLO::matcher)
			.filter(Matcher::matches)
			.filter((matcher) -> matcher.group(2).equals(matcher.group(3)))
			.map((matcher) -> Long.parseLong(matcher.group(2)))
			.collect(Collectors.toSet());
	}

}
