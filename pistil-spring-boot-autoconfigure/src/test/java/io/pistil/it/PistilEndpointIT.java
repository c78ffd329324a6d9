package io.pistil.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code pistil} actuator endpoint over real HTTP, in an arbiter application running
 * real child JVMs.
 */
class PistilEndpointIT extends ArbiterTestSupport {

	private static final String UNRESTRICTED = "--management.endpoint.pistil.access=unrestricted";

	private ActuatorClient actuator;

	@Test
	void readsTheArbiterItsPoolsAndTheirWorkersAndRefusesWritesByDefault() {
		Instant launched = Instant.now();
		start(List.of("--pistil.workers.other.min-workers=1"), pool("ticks", TickWorker.class, 2),
				pool("other", TickWorker.class, 1));
		Map<Integer, Long> ticks = this.arbiter.workers("ticks");

		DocumentContext arbiter = this.actuator.read("/actuator/pistil");
		assertThat(arbiter.read("$.pid", Long.class)).isEqualTo(this.arbiter.pid());
		assertThat(arbiter.read("$.state", String.class)).isEqualTo("RUNNING");
		assertThat(Instant.parse(arbiter.read("$.startedAt", String.class))).isBetween(launched, Instant.now());
		assertThat(arbiter.read("$.uptimeSeconds", Long.class)).isBetween(0L,
				Duration.between(launched, Instant.now()).toSeconds());
		assertThat(arbiter.read("$.pools", Map.class)).containsOnlyKeys("ticks", "other");
		assertThat(arbiter.read("$.pools.other.minWorkers", Integer.class)).isOne();
		assertThat(arbiter.read("$.pools.other.workers[0].pid", Long.class))
			.isEqualTo(this.arbiter.workers("other").get(1));

		DocumentContext pool = this.actuator.read("/actuator/pistil/ticks");
		assertThat(pool.read("$.type", String.class)).isEqualTo("worker");
		assertThat(pool.read("$.state", String.class)).isEqualTo("RUNNING");
		assertThat(pool.read("$.desired", Integer.class)).isEqualTo(2);
		assertThat(pool.read("$.running", Integer.class)).isEqualTo(2);
		assertThat(pool.read("$.ready", Integer.class)).isEqualTo(2);
		assertThat(pool.read("$.restarts", Long.class)).isZero();
		assertThat(pool.read("$.minWorkers", Integer.class)).isZero();
		assertThat(pool.read("$.maxWorkers", Integer.class)).isEqualTo(64);
		List<Map<String, Object>> workers = pool.read("$.workers");
		assertThat(workers).hasSize(2).allSatisfy((worker) -> {
			assertThat(worker).containsOnlyKeys("number", "pid", "state", "startedAt", "heartbeatAgeMillis", "requests",
					"rssBytes", "startupCache");
			assertThat(worker.get("startupCache")).as("a class path of directories: no start-up cache")
				.isEqualTo(false);
			assertThat(ticks).containsEntry((Integer) worker.get("number"), ((Number) worker.get("pid")).longValue());
			assertThat(worker.get("state")).isIn("idle", "busy");
			assertThat(Instant.parse((String) worker.get("startedAt"))).isBetween(launched, Instant.now());
			assertThat(((Number) worker.get("heartbeatAgeMillis")).longValue()).isBetween(0L, 30_000L);
			assertThat(((Number) worker.get("requests")).longValue()).as("a worker pool serves no request").isZero();
			assertThat(((Number) worker.get("rssBytes")).longValue()).isGreaterThan(1 << 20);
		});

		HttpResponse<String> unknown = this.actuator.get("/actuator/pistil/nothing");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(JsonPath.parse(unknown.body()).read("$.message", String.class)).isEqualTo("No pool named 'nothing'");

		HttpResponse<String> write = this.actuator.post("/actuator/pistil/ticks", "{\"workers\": 3}");
		assertThat(write.statusCode()).as(write.body()).isEqualTo(405);
		assertThat(this.actuator.read("/actuator/pistil/ticks").read("$.desired", Integer.class)).isEqualTo(2);
		assertThat(this.arbiter.workers("ticks")).isEqualTo(ticks);
		assertThat(this.arbiter.spawnedPids()).hasSize(3);
	}

	@Test
	void scalesAPoolUpAndDown() {
		start(List.of(UNRESTRICTED), pool("ticks", TickWorker.class, 2));
		Map<Integer, Long> initial = this.arbiter.workers("ticks");

		assertThat(scale("{\"workers\": 4}")).isEqualTo(4);
		this.arbiter.await("four workers", READY, () -> this.arbiter.workers("ticks").size() == 4);
		Map<Integer, Long> four = this.arbiter.workers("ticks");
		assertThat(four).containsAllEntriesOf(initial).containsKeys(3, 4);

		assertThat(scale("{\"workers\": 1}")).isEqualTo(1);
		this.arbiter.await("the three oldest workers gone", READY, () -> this.arbiter.workers("ticks").size() == 1);
		assertThat(this.arbiter.workers("ticks")).containsExactly(Map.entry(4, four.get(4)));

		assertThat(scale("{\"action\": \"incr\"}")).isEqualTo(2);
		this.arbiter.await("a second worker", READY, () -> this.arbiter.workers("ticks").size() == 2);
		assertThat(this.arbiter.workers("ticks")).containsEntry(4, four.get(4));

		assertThat(scale("{\"action\": \"decr\"}")).isEqualTo(1);
		this.arbiter.await("one worker", READY, () -> this.arbiter.workers("ticks").size() == 1);
		List<Long> live = List.copyOf(this.arbiter.workers("ticks").values());
		this.arbiter.await("the endpoint showing the live worker only", READY, () -> {
			List<Number> pids = this.actuator.read("/actuator/pistil/ticks").read("$.workers[*].pid");
			return pids.stream().map(Number::longValue).toList().equals(live);
		});
	}

	@Test
	void replacesOneWorkerAndReloadsAPool() {
		start(List.of(UNRESTRICTED), pool("ticks", TickWorker.class, 2));
		Map<Integer, Long> initial = this.arbiter.workers("ticks");
		long replaced = initial.get(1);

		HttpResponse<String> replace = this.actuator.post("/actuator/pistil/ticks",
				"{\"action\": \"replace\", \"pid\": " + replaced + "}");
		assertThat(replace.statusCode()).as(replace.body()).isEqualTo(200);
		this.arbiter.await("worker 1 replaced", READY, () -> {
			Map<Integer, Long> now = this.arbiter.workers("ticks");
			return now.size() == 2 && !now.containsValue(replaced);
		});
		Map<Integer, Long> afterReplace = this.arbiter.workers("ticks");
		assertThat(afterReplace).containsEntry(2, initial.get(2));
		assertThat(this.actuator.read("/actuator/pistil/ticks").read("$.desired", Integer.class)).isEqualTo(2);

		HttpResponse<String> reload = this.actuator.post("/actuator/pistil/ticks", "{\"action\": \"reload\"}");
		assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
		assertThat(JsonPath.parse(reload.body()).read("$.state", String.class)).isEqualTo("RELOADING");
		// The new workers take a JVM start to be ready: the pool is still reloading.
		assertRefused("{\"action\": \"replace\", \"pid\": " + afterReplace.get(2) + "}", 409,
				"Pool 'ticks' is reloading: every worker is being replaced");
		this.arbiter.await("every worker replaced", READY, () -> {
			Map<Integer, Long> now = this.arbiter.workers("ticks");
			return now.size() == 2 && now.values().stream().noneMatch(afterReplace::containsValue);
		});
		this.arbiter.await("the reload over", READY,
				() -> this.actuator.read("/actuator/pistil/ticks").read("$.state", String.class).equals("RUNNING"));
	}

	@Test
	void refusesInvalidChangesWithA4xxAndLeavesThePoolAsItWas() {
		start(List.of(UNRESTRICTED, "--pistil.workers.ticks.max-workers=3"), pool("ticks", TickWorker.class, 2),
				pool("other", TickWorker.class, 1));
		Map<Integer, Long> ticks = this.arbiter.workers("ticks");
		long otherPid = this.arbiter.workers("other").get(1);
		Set<Long> spawned = this.arbiter.spawnedPids();

		assertRefused("{\"workers\": 4}", 400, "Pool 'ticks' takes between 0 and 3 workers, not 4");
		assertRefused("{\"workers\": -1}", 400, "Pool 'ticks' takes between 0 and 3 workers, not -1");
		assertRefused("{\"workers\": 99999999999}", 400, "'workers' is out of range: 99999999999");
		assertRefused("{\"workers\": 2.5}", 400, "'workers' must be a whole number, not '2.5'");
		assertRefused("{\"workers\": 1e30}", 400, "'workers' is out of range: 1E+30");
		assertRefused("{}", 400, "Nothing to do. Send {\"workers\": n}");
		assertRefused("{\"workers\": 3, \"action\": \"incr\"}", 400, "Send either workers or an action, not both");
		assertRefused("{\"action\": \"incr\", \"pid\": 1}", 400, "A pid goes with the replace action only");
		assertRefused("{\"action\": \"replace\"}", 400, "The replace action needs the pid of the worker to replace");
		assertRefused("{\"action\": \"replace\", \"pid\": 1.5}", 400, "'pid' must be a whole number, not '1.5'");
		assertRefused("{\"action\": \"replace\", \"pid\": " + otherPid + "}", 400,
				"Pool 'ticks' has no worker with pid " + otherPid);
		assertRefused("/actuator/pistil/nothing", "{\"workers\": 1}", 404, "No pool named 'nothing'");
		// Values Spring Boot cannot convert to the operation's parameter types.
		for (String malformed : List.of("{\"workers\": \"many\"}", "{\"workers\": true}", "{\"action\": \"explode\"}",
				"{\"action\": \"replace\", \"pid\": \"x\"}", "{\"workers\": {\"count\": 3}}", "{\"workers\": [3]}",
				"workers=3")) {
			HttpResponse<String> response = this.actuator.post("/actuator/pistil/ticks", malformed);
			assertThat(response.statusCode()).as(malformed + " -> " + response.body()).isEqualTo(400);
		}

		DocumentContext pool = this.actuator.read("/actuator/pistil/ticks");
		assertThat(pool.read("$.desired", Integer.class)).isEqualTo(2);
		assertThat(this.arbiter.workers("ticks")).isEqualTo(ticks);
		assertThat(this.arbiter.workers("other")).containsExactly(Map.entry(1, otherPid));
		assertThat(this.arbiter.spawnedPids()).isEqualTo(spawned);
	}

	private void assertRefused(String body, int status, String message) {
		assertRefused("/actuator/pistil/ticks", body, status, message);
	}

	private void assertRefused(String path, String body, int status, String message) {
		HttpResponse<String> response = this.actuator.post(path, body);
		assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(status);
		DocumentContext refusal = JsonPath.parse(response.body());
		assertThat(refusal.read("$.status", Integer.class)).isEqualTo(status);
		assertThat(refusal.read("$.message", String.class)).startsWith(message);
	}

	/**
	 * Sends a change to the ticks pool, which must be accepted, and returns the desired
	 * count it answers.
	 */
	private int scale(String body) {
		HttpResponse<String> response = this.actuator.post("/actuator/pistil/ticks", body);
		assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(200);
		return JsonPath.parse(response.body()).read("$.desired", Integer.class);
	}

	@SafeVarargs
	private void start(List<String> settings, List<String>... pools) {
		List<String> arguments = new ArrayList<>(settings);
		for (List<String> pool : pools) {
			arguments.addAll(pool);
		}
		this.arbiter = ArbiterProcess.start(WebTestApplication.class, arguments.toArray(String[]::new));
		this.arbiter.awaitReady(READY);
		this.actuator = ActuatorClient.of(this.arbiter, READY);
	}

}
