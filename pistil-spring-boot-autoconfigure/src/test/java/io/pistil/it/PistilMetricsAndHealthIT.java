package io.pistil.it;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * pistil's meters in {@code /actuator/metrics} and {@code /actuator/prometheus}, and its
 * health contributor in {@code /actuator/health}, over real HTTP, in an arbiter
 * application running real child JVMs.
 */
class PistilMetricsAndHealthIT extends ArbiterTestSupport {

	private ActuatorClient actuator;

	@Test
	void metersCountLiveWorkersSpawnsExitsAndBootTimes() {
		start(pool("ticks", TickWorker.class, 2));

		this.arbiter.await("two live workers", READY, () -> measurement("pistil.workers?tag=pool:ticks", "VALUE") == 2);
		assertThat(measurement("pistil.workers?tag=pool:ticks&tag=state:booting", "VALUE")).isZero();
		assertThat(measurement("pistil.workers.desired?tag=pool:ticks", "VALUE")).isEqualTo(2);
		assertThat(measurement("pistil.worker.spawns?tag=pool:ticks", "COUNT")).isEqualTo(2);
		assertThat(measurement("pistil.worker.boot?tag=pool:ticks", "COUNT")).isEqualTo(2);
		assertThat(measurement("pistil.worker.boot?tag=pool:ticks", "TOTAL_TIME")).isPositive();
		assertThat(measurement("pistil.worker.exits?tag=pool:ticks&tag=cause:killed", "COUNT")).isZero();
		assertThat(measurement("pistil.worker.requests?tag=pool:ticks", "COUNT")).as("a worker pool serves none")
			.isZero();
		assertThat(measurement("pistil.workers.busy.ratio?tag=pool:ticks", "VALUE")).isBetween(0.0, 1.0);
		DocumentContext workers = this.actuator.read("/actuator/metrics/pistil.workers");
		assertThat(workers.read("$.availableTags[*].tag", List.class)).containsExactlyInAnyOrder("pool", "state");

		ArbiterProcess.signal(this.arbiter.workers("ticks").get(1), UnixSignal.KILL);

		this.arbiter.await("the exit counted", READY,
				() -> measurement("pistil.worker.exits?tag=pool:ticks&tag=cause:killed", "COUNT") == 1);
		this.arbiter.await("the replacement ready", READY,
				() -> measurement("pistil.worker.boot?tag=pool:ticks", "COUNT") == 3);
		assertThat(measurement("pistil.worker.spawns?tag=pool:ticks", "COUNT")).isEqualTo(3);
		assertThat(measurement("pistil.worker.exits?tag=pool:ticks", "COUNT")).isEqualTo(1);
		this.arbiter.await("two live workers again", READY,
				() -> measurement("pistil.workers?tag=pool:ticks", "VALUE") == 2);

		HttpResponse<String> prometheus = this.actuator.get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("pistil_workers{pool=\"ticks\",state=\"idle\"} 2.0",
				"pistil_workers_desired{pool=\"ticks\"} 2.0", "pistil_worker_spawns_total{pool=\"ticks\"} 3.0",
				"pistil_worker_exits_total{cause=\"killed\",pool=\"ticks\"} 1.0",
				"pistil_worker_exits_total{cause=\"boot_failure\",pool=\"ticks\"} 0.0",
				"pistil_worker_boot_seconds_count{pool=\"ticks\"} 3",
				"pistil_worker_requests_total{pool=\"ticks\"} 0.0", "pistil_workers_busy_ratio{pool=\"ticks\"} ");
	}

	@Test
	void healthGoesDownWhileAPoolCannotBootItsWorkersAndBackUpWhenItRecovers(@TempDir Path directory)
			throws IOException {
		Path marker = directory.resolve("fail");
		List<String> arguments = new ArrayList<>(pool("flaky", FailingWhileMarkedWorker.class, 1));
		arguments.add("--pistil.workers.flaky.env[TEST_FAIL_WHILE]=" + marker);
		arguments.add("--management.endpoint.health.group.readiness.include=readinessState,pistil");
		start(arguments);
		DocumentContext up = this.actuator.read("/actuator/health/pistil");
		assertThat(up.read("$.status", String.class)).isEqualTo("UP");
		assertThat(up.read("$.details.state", String.class)).isEqualTo("RUNNING");
		assertThat(up.read("$.details.pools.flaky.desired", Integer.class)).isOne();
		assertThat(up.read("$.details.pools.flaky.ready", Integer.class)).isOne();
		assertThat(up.read("$.details.pools.flaky.state", String.class)).isEqualTo("RUNNING");
		assertThat(this.actuator.get("/actuator/health/readiness").statusCode()).isEqualTo(200);

		Files.createFile(marker);
		ArbiterProcess.signal(this.arbiter.workers("flaky").get(1), UnixSignal.KILL);

		this.arbiter.await("health down", READY,
				() -> this.actuator.get("/actuator/health/pistil").statusCode() == 503);
		DocumentContext down = JsonPath.parse(this.actuator.get("/actuator/health/pistil").body());
		assertThat(down.read("$.status", String.class)).isEqualTo("DOWN");
		assertThat(down.read("$.details.pools.flaky.desired", Integer.class)).isOne();
		assertThat(down.read("$.details.pools.flaky.ready", Integer.class)).isZero();
		HttpResponse<String> readiness = this.actuator.get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(JsonPath.parse(readiness.body()).read("$.status", String.class)).isEqualTo("DOWN");
		this.arbiter.await("a second boot failure", READY,
				() -> measurement("pistil.worker.exits?tag=pool:flaky&tag=cause:boot_failure", "COUNT") >= 2);
		assertThat(this.actuator.get("/actuator/health/pistil").statusCode()).isEqualTo(503);

		Files.delete(marker);

		this.arbiter.await("health up", READY, () -> this.actuator.get("/actuator/health/pistil").statusCode() == 200);
		DocumentContext recovered = this.actuator.read("/actuator/health/pistil");
		assertThat(recovered.read("$.status", String.class)).isEqualTo("UP");
		assertThat(recovered.read("$.details.pools.flaky.ready", Integer.class)).isOne();
		assertThat(this.actuator.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	private double measurement(String meter, String statistic) {
		List<Number> values = this.actuator.read("/actuator/metrics/" + meter)
			.read("$.measurements[?(@.statistic == '" + statistic + "')].value", List.class);
		assertThat(values).as(meter + " " + statistic).hasSize(1);
		return values.get(0).doubleValue();
	}

	private void start(List<String> arguments) {
		this.arbiter = ArbiterProcess.start(WebTestApplication.class, arguments.toArray(String[]::new));
		this.arbiter.awaitReady(READY);
		this.actuator = ActuatorClient.of(this.arbiter, READY);
	}

}
