package io.pistil.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample driven as the kubelet drives the container of
 * {@code deploy/kubernetes/deployment.yaml}: the manifest's command and environment, its
 * startup, liveness and readiness probes at their periods and thresholds, load once the
 * pod is ready, then termination — the {@code preStop} pause, SIGTERM, and the grace
 * period — while the load runs.
 */
class KubeletIT extends ArbiterTestSupport {

	private static final Path MANIFEST = Path.of("..", "deploy", "kubernetes", "deployment.yaml");

	/** Where the manifest's image holds the application. */
	private static final String IMAGE_JAR = "/opt/pistil/app.jar";

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar").toAbsolutePath();

	private static final int LOAD_THREADS = 4;

	private final int port = SampleHttp.freePort();

	private final int filesPort = SampleHttp.freePort();

	private final ActuatorClient actuator = ActuatorClient.onPort(this.port);

	private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(2);

	private final ExecutorService load = Executors.newFixedThreadPool(LOAD_THREADS);

	@TempDir
	Path directory;

	@AfterEach
	void stopProbesAndLoad() throws InterruptedException {
		this.probes.shutdownNow();
		this.load.shutdownNow();
		this.load.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Test
	void startsPassesItsProbesAndStopsUnderLoadWithoutAFailedRequestWithinTheGracePeriod() throws Exception {
		Pod pod = Pod.read(MANIFEST);
		this.arbiter = ArbiterProcess.startCommand(command(pod), pod.environment());

		// startupProbe: liveness answers once every pool is ready and the web server
		// runs.
		Probe startup = pod.probe("startupProbe");
		Awaitility.await("the startup probe passing")
			.pollInterval(startup.period())
			.atMost(startup.period().multipliedBy(startup.failureThreshold()))
			.until(() -> startup.passes(this.actuator));
		ProbeRecord liveness = every(pod.probe("livenessProbe"));
		ProbeRecord readiness = every(pod.probe("readinessProbe"));
		Awaitility.await("the pod ready")
			.pollInterval(Duration.ofMillis(200))
			.atMost(READY)
			.until(() -> readiness.passed.get() > 0);

		AtomicBoolean endpointsListThePod = new AtomicBoolean(true);
		AtomicLong served = new AtomicLong();
		List<String> failures = new ArrayList<>();
		for (int thread = 0; thread < LOAD_THREADS; thread++) {
			this.load.execute(() -> {
				while (endpointsListThePod.get()) {
					String failure = SampleHttp.fetchIndex(this.filesPort);
					if (failure == null) {
						served.incrementAndGet();
					}
					else {
						synchronized (failures) {
							failures.add(failure);
						}
					}
				}
			});
		}
		Awaitility.await("requests served under load").atMost(READY).until(() -> served.get() >= 500);

		// Termination: the pod leaves the Service's endpoints while its preStop pause
		// runs,
		// then the kubelet sends SIGTERM and waits at most the grace period, counted from
		// the start of preStop.
		long terminationStarted = System.nanoTime();
		Duration grace = pod.terminationGracePeriod();
		Duration preStop = pod.preStopSleep();
		Awaitility.await("requests still served, the pod still ready, through the preStop pause")
			.during(preStop)
			.atMost(preStop.plusSeconds(5))
			.until(() -> failuresOf(failures).isEmpty() && readiness.failedSinceReady.get() == 0);
		endpointsListThePod.set(false);
		this.arbiter.signal(UnixSignal.TERM);
		Duration left = grace.minusNanos(System.nanoTime() - terminationStarted);
		int exit = this.arbiter.awaitExit(left);
		Duration stopped = Duration.ofNanos(System.nanoTime() - terminationStarted);
		this.load.shutdown();
		assertThat(this.load.awaitTermination(30, TimeUnit.SECONDS)).as("the load's last requests over").isTrue();

		assertThat(exit).as("exit status, within the grace period (%s), after %s", grace, stopped).isZero();
		assertThat(stopped).isLessThan(grace);
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
		assertThat(failuresOf(failures)).as("failed requests of %d", served.get()).isEmpty();
		assertThat(liveness.mostFailedInARow.get())
			.as("liveness failures in a row: the kubelet restarts at the threshold")
			.isLessThan(pod.probe("livenessProbe").failureThreshold());
		assertThat(liveness.passed.get()).as("liveness probes passed").isPositive();
	}

	private static List<String> failuresOf(List<String> failures) {
		synchronized (failures) {
			return List.copyOf(failures);
		}
	}

	/**
	 * The manifest's command, with the packaged jar for the image's, and the pod's
	 * network replaced by free loopback ports.
	 */
	private List<String> command(Pod pod) {
		List<String> command = new ArrayList<>(
				pod.command().stream().map((word) -> word.equals(IMAGE_JAR) ? JAR.toString() : word).toList());
		assertThat(command).as("the manifest runs the image's jar").contains(JAR.toString());
		command.addAll(List.of("--server.address=127.0.0.1", "--server.port=" + this.port,
				"--pistil.workers.fserve.listen=127.0.0.1:" + this.filesPort,
				"--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
				"--spring.pid.file=" + this.directory.resolve("app.pid")));
		return command;
	}

	/** Runs a probe at its period, as the kubelet does, from the first period on. */
	private ProbeRecord every(Probe probe) {
		ProbeRecord record = new ProbeRecord();
		this.probes.scheduleAtFixedRate(() -> record.add(probe.passes(this.actuator)), 0, probe.period().toMillis(),
				TimeUnit.MILLISECONDS);
		return record;
	}

	/** What a probe saw so far. */
	private static final class ProbeRecord {

		final AtomicInteger passed = new AtomicInteger();

		final AtomicInteger failedInARow = new AtomicInteger();

		/** The longest run of failures: the kubelet restarts at the failure threshold. */
		final AtomicInteger mostFailedInARow = new AtomicInteger();

		final AtomicInteger failedSinceReady = new AtomicInteger();

		void add(boolean pass) {
			if (pass) {
				this.passed.incrementAndGet();
				this.failedInARow.set(0);
			}
			else {
				this.mostFailedInARow.accumulateAndGet(this.failedInARow.incrementAndGet(), Math::max);
				if (this.passed.get() > 0) {
					this.failedSinceReady.incrementAndGet();
				}
			}
		}

	}

	/** An HTTP probe of the manifest's container. */
	private record Probe(String path, Duration period, int failureThreshold) {

		/** The kubelet counts 200 to 399 as success, and no answer as a failure. */
		boolean passes(ActuatorClient actuator) {
			try {
				int status = actuator.get(this.path).statusCode();
				return status >= 200 && status < 400;
			}
			catch (UncheckedIOException ex) {
				return false;
			}
		}

	}

	/** The parts of the Deployment's pod template that the kubelet acts on. */
	private record Pod(Map<String, Object> spec, Map<String, Object> container) {

		@SuppressWarnings("unchecked")
		static Pod read(Path manifest) throws IOException {
			try (InputStream input = Files.newInputStream(manifest)) {
				Map<String, Object> deployment = new Yaml().load(input);
				Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment
					.get("spec")).get("template")).get("spec");
				List<Map<String, Object>> containers = (List<Map<String, Object>>) spec.get("containers");
				assertThat(containers).as("one container: the arbiter").hasSize(1);
				return new Pod(spec, containers.get(0));
			}
		}

		@SuppressWarnings("unchecked")
		List<String> command() {
			return (List<String>) this.container.get("command");
		}

		@SuppressWarnings("unchecked")
		Map<String, String> environment() {
			Map<String, String> environment = new LinkedHashMap<>();
			for (Map<String, Object> variable : (List<Map<String, Object>>) this.container.get("env")) {
				environment.put((String) variable.get("name"), (String) variable.get("value"));
			}
			return environment;
		}

		@SuppressWarnings("unchecked")
		Probe probe(String name) {
			Map<String, Object> probe = (Map<String, Object>) this.container.get(name);
			Map<String, Object> get = (Map<String, Object>) probe.get("httpGet");
			assertThat(get.get("port")).as(name + " port").isEqualTo("http");
			return new Probe((String) get.get("path"), seconds(probe, "periodSeconds", 10),
					((Number) probe.getOrDefault("failureThreshold", 3)).intValue());
		}

		Duration terminationGracePeriod() {
			return seconds(this.spec, "terminationGracePeriodSeconds", 30);
		}

		@SuppressWarnings("unchecked")
		Duration preStopSleep() {
			Map<String, Object> preStop = (Map<String, Object>) ((Map<String, Object>) this.container.get("lifecycle"))
				.get("preStop");
			return seconds((Map<String, Object>) preStop.get("sleep"), "seconds", 0);
		}

		private static Duration seconds(Map<String, Object> map, String key, int kubernetesDefault) {
			return Duration.ofSeconds(((Number) map.getOrDefault(key, kubernetesDefault)).longValue());
		}

	}

}
