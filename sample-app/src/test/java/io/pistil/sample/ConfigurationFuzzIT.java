package io.pistil.sample;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample started with random {@code pistil.*} settings for a pool of its own
 * (and a few top-level ones), some valid and many not, then sent random endpoint
 * requests: each start either comes up and stops cleanly, or fails with Spring Boot's
 * failure report and no stack trace; never a hang, and never a process or run directory
 * left behind.
 */
class ConfigurationFuzzIT {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	/** A start, even one whose workers boot and fail, ends or serves within this. */
	private static final Duration DECIDED = Duration.ofSeconds(120);

	private static final List<String> SAMPLE_POOLS = List.of("hello", "w1", "w2", "tcp_pool", "grabber", "fserve");

	private static final Set<Integer> REFUSALS = Set.of(400, 404, 409);

	@Property(tries = 24, shrinking = ShrinkingMode.OFF)
	void everyStartComesUpOrFailsWithAReportAndLeavesNothing(@ForAll("settings") Map<String, String> settings,
			@ForAll("requests") List<String> requests) throws Exception {
		int port = SampleHttp.freePort();
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=" + port, "--pistil.workers.fserve.listen=127.0.0.1:0",
						"--spring.pid.file=" + Files.createTempFile("fuzz", ".pid"),
						"--pistil.workers.fuzz.worker-class=io.pistil.sample.HelloWorker"));
		SAMPLE_POOLS.forEach((pool) -> arguments.add("--pistil.workers." + pool + ".workers=0"));
		settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
		ArbiterProcess arbiter = ArbiterProcess.startJar(JAR, arguments.toArray(String[]::new));
		try {
			ActuatorClient actuator = ActuatorClient.onPort(port);
			arbiter.await("the start with " + settings + " to end or serve", DECIDED,
					() -> !arbiter.isAlive() || actuator.answers("/actuator/pistil", 200));
			if (arbiter.isAlive()) {
				Statistics.collect("started");
				for (String request : requests) {
					HttpResponse<String> response = actuator.post("/actuator/pistil/fuzz", request);
					assertThat(response.statusCode()).as(request + " -> " + response.body())
						.matches((status) -> status < 300 || REFUSALS.contains(status));
					assertThat(actuator.answers("/actuator/pistil", 200)).as("the endpoint after " + request).isTrue();
				}
				arbiter.signal(UnixSignal.TERM);
				assertThat(arbiter.awaitExit(DECIDED)).as("exit status after SIGTERM").isZero();
			}
			else {
				String output = arbiter.output();
				assertThat(arbiter.awaitExit(Duration.ofSeconds(10))).as(output).isOne();
				Statistics.collect("refused");
				assertThat(output).as("a failure report, not a bare stack trace")
					.contains("APPLICATION FAILED TO START")
					.doesNotContain("Application run failed");
			}
			arbiter.await("no process left", Duration.ofSeconds(30), () -> arbiter.remainingWorkers().isEmpty());
			assertThat(runDirectories(arbiter.pid())).as("run directories left").isEmpty();
		}
		finally {
			arbiter.close();
		}
	}

	@Provide
	Arbitrary<Map<String, String>> settings() {
		Map<String, Arbitrary<String>> keys = new LinkedHashMap<>();
		String pool = "pistil.workers.fuzz.";
		keys.put(pool + "workers", Arbitraries.of("0", "1", "2", "-1", "two", "1000000"));
		keys.put(pool + "min-workers", Arbitraries.of("0", "1", "3", "-1"));
		keys.put(pool + "max-workers", Arbitraries.of("1", "2", "0", "-5", "2000"));
		keys.put(pool + "reload-surge", Arbitraries.of("1", "2", "0", "x"));
		keys.put(pool + "timeout", durations());
		keys.put(pool + "boot-timeout", durations());
		keys.put(pool + "graceful-timeout", durations());
		keys.put(pool + "pause", durations());
		keys.put(pool + "restart", Arbitraries.of("permanent", "transient", "temporary", "sometimes"));
		keys.put(pool + "shutdown", Arbitraries.of("graceful", "brutal", "gentle"));
		keys.put(pool + "context", Arbitraries.of("slim", "full", "huge"));
		keys.put(pool + "type", Arbitraries.of("worker", "tcp", "supervisor", "daemon"));
		keys.put(pool + "listen", Arbitraries.of("127.0.0.1:0", "[::1]:0", "nowhere", "127.0.0.1:99999", ""));
		keys.put(pool + "threads", Arbitraries.of("1", "4", "virtual", "0", "many"));
		keys.put(pool + "max-restarts", Arbitraries.of("0", "3", "-1"));
		keys.put(pool + "backoff-min", durations());
		keys.put(pool + "max-memory", Arbitraries.of("64MB", "1KB", "-1MB", "lots"));
		keys.put(pool + "max-requests", Arbitraries.of("0", "10", "-3"));
		keys.put(pool + "jvm-options", Arbitraries.of("-Xmx64m", "-XX:+NoSuchOption", "-Xss1k", "-Dx=y"));
		keys.put(pool + "worker-class", Arbitraries.of("io.pistil.sample.HelloWorker",
				"io.pistil.sample.TcpHelloWorker", "java.lang.String", "no.such.Worker", ""));
		keys.put(pool + "bean", Arbitraries.of("helloWorker", "noSuchBean"));
		keys.put(pool + "user", Arbitraries.of("nobody", "no-such-user", "0", ""));
		keys.put(pool + "group", Arbitraries.of("nogroup", "no-such-group"));
		keys.put(pool + "umask", Arbitraries.of("027", "0077", "999", "rwx"));
		keys.put("pistil.max-booting", Arbitraries.of("1", "3", "0", "-2", "many"));
		keys.put("pistil.strategy", Arbitraries.of("one-for-one", "one-for-all", "rest-for-one", "all-for-none"));
		keys.put("pistil.graceful-timeout", durations());
		keys.put("pistil.signal-pools", Arbitraries.of("fuzz", "hello,fuzz", "nope"));
		keys.put("pistil.java-home", Arbitraries.of("/nonexistent", "/tmp", System.getProperty("java.home")));
		List<String> names = new ArrayList<>(keys.keySet());
		return Arbitraries.of(names).set().ofMinSize(1).ofMaxSize(4).flatMap((chosen) -> {
			List<String> ordered = new ArrayList<>(chosen);
			List<Arbitrary<String>> values = ordered.stream().map(keys::get).toList();
			return Combinators.combine(values).as((picked) -> {
				Map<String, String> settings = new LinkedHashMap<>();
				for (int i = 0; i < ordered.size(); i++) {
					settings.put(ordered.get(i), picked.get(i));
				}
				return settings;
			});
		});
	}

	private static Arbitrary<String> durations() {
		return Arbitraries.of("100ms", "2s", "30s", "0s", "-1s", "soon", "5");
	}

	@Provide
	Arbitrary<List<String>> requests() {
		Arbitrary<String> workers = Arbitraries.of("0", "1", "3", "-1", "2.5", "\"two\"", "100000", "null");
		Arbitrary<String> action = Arbitraries.of("\"incr\"", "\"decr\"", "\"reload\"", "\"replace\"", "\"explode\"",
				"3", "null");
		Arbitrary<String> pid = Arbitraries.of("1", "-1", "99999999", "\"x\"");
		Arbitrary<String> body = Arbitraries.oneOf(workers.map((value) -> "{\"workers\":" + value + "}"),
				action.map((value) -> "{\"action\":" + value + "}"),
				Combinators.combine(action, pid).as((a, p) -> "{\"action\":" + a + ",\"pid\":" + p + "}"),
				Arbitraries.of("{}", "[]", "not json", "{\"workers\":1,\"action\":\"incr\"}", ""));
		return body.list().ofMinSize(0).ofMaxSize(4);
	}

	private static List<Path> runDirectories(long pid) throws IOException {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith("pistil-" + pid + "-")).toList();
		}
	}

}
