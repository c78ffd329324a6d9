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
 * The sample application as the README runs it: the packaged executable jar.
 */
class SampleApplicationIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	/** Leaves port 8080 to a sample application that may be running. */
	private static final String ANY_FREE_PORT = "--server.port=0";

	/**
	 * The tcp pools on ports of the kernel's choosing: these tests do not connect to
	 * them.
	 */
	private static final String[] TCP_ON_ANY_PORT = { "--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
			"--pistil.workers.fserve.listen=127.0.0.1:0" };

	private static final Duration READY = Duration.ofSeconds(30);

	private static final Pattern HELLO = Pattern
		.compile("^\\[hello\\.(\\d) pid (\\d+)\\] .*hello from worker n°(\\d+)$");

	@Test
	void threeHelloWorkersSayHelloWithinTenSecondsAndStopOnSigterm(@TempDir Path directory) throws Exception {
		Path pidFile = directory.resolve("app.pid");
		this.arbiter = ArbiterProcess.startJar(JAR, "--spring.pid.file=" + pidFile, ANY_FREE_PORT, TCP_ON_ANY_PORT[0],
				TCP_ON_ANY_PORT[1]);

		this.arbiter.await("three hello workers saying hello", Duration.ofSeconds(10), () -> helloPids().size() == 3);

		Map<Integer, Long> workers = this.arbiter.workers("hello");
		assertThat(helloPids()).containsExactlyInAnyOrderElementsOf(workers.values());
		assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(this.arbiter.pid()));
		this.arbiter.awaitReady(READY);
		assertThat(this.arbiter.workers("w1")).hasSize(1);
		assertThat(this.arbiter.workers("w2")).hasSize(1);

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(12))).isZero();
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void actuatorOnLocalhostShowsThePoolsScalesHelloAndReportsHealthAndMetrics(@TempDir Path directory) {
		this.arbiter = ArbiterProcess.startJar(JAR, "--spring.pid.file=" + directory.resolve("app.pid"), ANY_FREE_PORT,
				TCP_ON_ANY_PORT[0], TCP_ON_ANY_PORT[1]);
		this.arbiter.awaitReady(READY);
		ActuatorClient actuator = ActuatorClient.of(this.arbiter, READY);

		DocumentContext pistil = actuator.read("/actuator/pistil");
		assertThat(pistil.read("$.pools", Map.class)).containsOnlyKeys("hello", "w1", "w2", "tcp_pool", "grabber",
				"fserve");
		assertThat(pistil.read("$.pools.hello.desired", Integer.class)).isEqualTo(3);

		HttpResponse<String> scaled = actuator.post("/actuator/pistil/hello", "{\"workers\": 5}");

		assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
		this.arbiter.await("five hello workers", READY, () -> this.arbiter.workers("hello").size() == 5);
		// Ready again once the two new workers are: DOWN (503) while they boot.
		this.arbiter.await("ready with five hello workers", READY,
				() -> actuator.get("/actuator/health/readiness").statusCode() == 200
						&& JsonPath.parse(actuator.get("/actuator/health/pistil").body())
							.read("$.details.pools.hello.ready", Integer.class) == 5);
		assertThat(actuator.read("/actuator/health").read("$.status", String.class)).isEqualTo("UP");
		this.arbiter.await("five hello workers measured", READY,
				() -> actuator.read("/actuator/metrics/pistil.workers?tag=pool:hello")
					.read("$.measurements[0].value", Double.class) == 5);
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
