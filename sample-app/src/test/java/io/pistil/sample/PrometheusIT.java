package io.pistil.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The packaged sample scraped by a real Prometheus server (Debian's {@code prometheus},
 * which {@code .ci/run} installs): the {@code pistil_*} series are queried through
 * Prometheus's HTTP API, and {@code promtool check metrics} lints the scrape.
 */
class PrometheusIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "pistil-dashboard.json");

	/** One sample of a series in a scrape: its name, then its labels. */
	private static final Pattern SERIES = Pattern.compile("^(pistil_[a-z_]+)\\{([^}]*)\\} .*$", Pattern.MULTILINE);

	private final int port = SampleHttp.freePort();

	private final ActuatorClient actuator = ActuatorClient.onPort(this.port);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private Process prometheus;

	@TempDir
	Path directory;

	@AfterEach
	void stopPrometheus() throws InterruptedException {
		if (this.prometheus != null) {
			this.prometheus.destroy();
			if (!this.prometheus.waitFor(20, TimeUnit.SECONDS)) {
				this.prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void prometheusScrapesThePoolsWorkersRestartsExitsHeartbeatsAndRequests() throws Exception {
		startSample();
		int prometheusPort = SampleHttp.freePort();
		this.prometheus = startPrometheus(prometheusPort);

		this.arbiter.await("Prometheus scraping the sample", READY,
				() -> value(prometheusPort, "up{job=\"pistil\"}").filter((up) -> up == 1).isPresent());
		this.arbiter.await("three idle hello workers in Prometheus", READY,
				() -> value(prometheusPort, "pistil_workers{pool=\"hello\",state=\"idle\"}").filter((idle) -> idle == 3)
					.isPresent());
		assertThat(value(prometheusPort, "pistil_workers_desired{pool=\"hello\"}")).contains(3.0);
		assertThat(value(prometheusPort, "sum(pistil_workers{state=\"booting\"})")).contains(0.0);
		assertThat(value(prometheusPort, "pistil_worker_heartbeat_age_seconds{pool=\"hello\"}"))
			.hasValueSatisfying((age) -> assertThat(age).isBetween(0.0, 30.0));
		assertThat(value(prometheusPort, "pistil_worker_requests_total{pool=\"fserve\"}")).contains(0.0);
		assertThat(value(prometheusPort, "pistil_workers_busy_ratio{pool=\"hello\"}")).contains(0.0);

		long killed = this.arbiter.workers("hello").get(1);
		ArbiterProcess.signal(killed, UnixSignal.KILL);

		this.arbiter.await("the kill -9 counted in Prometheus", READY,
				() -> value(prometheusPort, "pistil_worker_exits_total{pool=\"hello\",cause=\"killed\"}")
					.filter((exits) -> exits == 1)
					.isPresent()
						&& value(prometheusPort, "pistil_worker_restarts_total{pool=\"hello\"}")
							.filter((restarts) -> restarts == 1)
							.isPresent());
		this.arbiter.await("hello back at three idle workers", READY,
				() -> value(prometheusPort, "pistil_workers{pool=\"hello\",state=\"idle\"}").filter((idle) -> idle == 3)
					.isPresent()
						&& value(prometheusPort, "pistil_worker_spawns_total{pool=\"hello\"}")
							.filter((spawns) -> spawns == 4)
							.isPresent());
		assertThat(value(prometheusPort, "pistil_worker_exits_total{pool=\"w1\",cause=\"killed\"}")).contains(0.0);
		assertThat(value(prometheusPort, "pistil_worker_boot_seconds_count{pool=\"hello\"}")).contains(4.0);
	}

	@Test
	void promtoolFindsNothingToSayAboutThePistilSeries() throws Exception {
		startSample();
		String scrape = this.actuator.get("/actuator/prometheus").body();

		Matcher series = SERIES.matcher(scrape);
		Map<String, Set<String>> labels = series.results()
			.collect(Collectors.groupingBy((sample) -> sample.group(1),
					Collectors.mapping((sample) -> sample.group(2).replaceAll("=\"[^\"]*\"", ""), Collectors.toSet())));
		assertThat(labels).containsKeys("pistil_workers", "pistil_workers_desired", "pistil_workers_busy_ratio",
				"pistil_worker_requests_total", "pistil_worker_restarts_total", "pistil_worker_spawns_total",
				"pistil_worker_exits_total", "pistil_worker_heartbeat_age_seconds", "pistil_worker_boot_seconds_count");
		assertThat(labels.get("pistil_workers")).containsExactly("pool,state");
		assertThat(labels.get("pistil_worker_exits_total")).containsExactly("cause,pool");
		List<String> dashboardSeries = JsonPath.parse(Files.readString(DASHBOARD))
			.read("$.templating.list[?(@.type == 'constant')].query");
		assertThat(dashboardSeries).as("the series the Grafana dashboard queries")
			.hasSizeGreaterThan(5)
			.allSatisfy((name) -> assertThat(scrape).containsPattern("(?m)^" + name + "(_count)?\\{"));

		// The whole scrape parses; the lint of Micrometer's own JVM, Tomcat and RabbitMQ
		// meters is theirs: the pistil families must have none.
		PromtoolResult whole = promtool(scrape);
		assertThat(whole.exitCode()).as(whole.output()).isIn(0, 3);
		assertThat(whole.output()).doesNotContainIgnoringCase("error").doesNotContain("pistil_");
		PromtoolResult pistil = promtool(pistilFamilies(scrape));
		assertThat(pistil.exitCode()).as(pistil.output()).isZero();
		assertThat(pistil.output()).isBlank();
	}

	private void startSample() {
		this.arbiter = ArbiterProcess.startJar(JAR, "--server.port=" + this.port,
				"--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
				"--pistil.workers.fserve.listen=127.0.0.1:0", "--spring.pid.file=" + this.directory.resolve("app.pid"));
		this.arbiter.await("the sample ready", READY, () -> this.actuator.answers("/actuator/health/readiness", 200));
	}

	private Process startPrometheus(int prometheusPort) throws IOException {
		Path config = this.directory.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 1s
				scrape_configs:
				  - job_name: pistil
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ["127.0.0.1:%d"]
				""".formatted(this.port));
		return new ProcessBuilder(executable("prometheus"), "--config.file=" + config,
				"--storage.tsdb.path=" + this.directory.resolve("data"),
				"--web.listen-address=127.0.0.1:" + prometheusPort)
			.redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("prometheus.log").toFile())
			.start();
	}

	/** The value of an instant query's single result, if it has one yet. */
	private Optional<Double> value(int prometheusPort, String query) {
		URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
				+ URLEncoder.encode(query, StandardCharsets.UTF_8));
		try {
			HttpResponse<String> response = this.client.send(HttpRequest.newBuilder(uri).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return Optional.empty();
			}
			DocumentContext answer = JsonPath.parse(response.body());
			List<List<Object>> values = answer.read("$.data.result[*].value");
			return (values.size() == 1) ? Optional.of(Double.parseDouble(values.get(0).get(1).toString()))
					: Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The lines of the scrape that belong to pistil's families, comments included. */
	private static String pistilFamilies(String scrape) {
		return scrape.lines()
			.filter((line) -> line.startsWith("pistil_") || line.startsWith("# HELP pistil_")
					|| line.startsWith("# TYPE pistil_"))
			.collect(Collectors.joining("\n", "", "\n"));
	}

	private PromtoolResult promtool(String metrics) throws IOException, InterruptedException {
		Process promtool = new ProcessBuilder(executable("promtool"), "check", "metrics").redirectErrorStream(true)
			.start();
		try (var input = promtool.getOutputStream()) {
			input.write(metrics.getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
			promtool.destroyForcibly();
			fail("promtool check metrics did not finish within 30 s");
		}
		return new PromtoolResult(promtool.exitValue(), output);
	}

	/**
	 * A Prometheus tool from Debian's package; missing, the test fails (CI installs it).
	 */
	private static String executable(String name) {
		return Stream.of("/usr/bin", "/usr/local/bin")
			.map((directory) -> Path.of(directory, name))
			.filter(Files::isExecutable)
			.findFirst()
			.map(Path::toString)
			.orElseThrow(() -> new UncheckedIOException(new IOException(
					name + " is not installed: install Debian's prometheus package (bash .ci/run does)")));
	}

	private record PromtoolResult(int exitCode, String output) {
	}

}
