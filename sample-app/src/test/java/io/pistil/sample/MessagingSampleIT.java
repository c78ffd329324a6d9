package io.pistil.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.DocumentContext;
import org.junit.jupiter.api.Test;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's messaging profile as the README runs it: 100,000 jobs through the local
 * hub to three job workers, one of them killed with SIGKILL every second, and every job's
 * result collected.
 */
class MessagingSampleIT extends ArbiterTestSupport {

	static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	static final int JOBS = 100_000;

	static final int KILLS = 8;

	static final Duration ALL_DONE = Duration.ofMinutes(8);

	@Test
	void everyJobIsDoneDespiteAKillEverySecond() throws Exception {
		int port = SampleHttp.freePort();
		this.arbiter = ArbiterProcess.startJar(JAR, "--spring.profiles.active=messaging", "--server.port=" + port);
		ActuatorClient actuator = awaitReadiness(this.arbiter, port);

		List<Long> killed = killAJobWorkerEverySecondUntilDone(this.arbiter, actuator, JOBS);

		assertThat(killed).hasSizeGreaterThanOrEqualTo(5);
		assertQueueDrained(this.arbiter, actuator, "jobs");
		assertThat(actuator.read("/actuator/pistil").read("$.queues.jobs.redelivered", Long.class)).isPositive();
	}

	/**
	 * Kills a random ready job worker every second, {@value #KILLS} times, while jobs are
	 * being done, waits until every job's result is in, and returns the pids killed.
	 */
	static List<Long> killAJobWorkerEverySecondUntilDone(ArbiterProcess arbiter, ActuatorClient actuator, int jobs) {
		List<Long> killed = new ArrayList<>();
		AtomicInteger distinct = new AtomicInteger();
		ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
		killer.scheduleAtFixedRate(() -> {
			if (distinct.get() >= jobs || killed.size() >= KILLS) {
				return;
			}
			List<Map<String, Object>> ready = actuator.read("/actuator/pistil/jobworkers")
				.read("$.workers[?(@.state != 'booting' && @.state != 'stopping')]");
			if (!ready.isEmpty()) {
				long pid = ((Number) ready.get(ThreadLocalRandom.current().nextInt(ready.size())).get("pid"))
					.longValue();
				ArbiterProcess.signal(pid, UnixSignal.KILL);
				synchronized (killed) {
					killed.add(pid);
				}
			}
		}, 1, 1, TimeUnit.SECONDS);
		try {
			arbiter.await(jobs + " distinct results", ALL_DONE, () -> {
				distinct.set(distinctResults(actuator));
				return distinct.get() == jobs;
			});
		}
		finally {
			killer.shutdownNow();
		}
		synchronized (killed) {
			return List.copyOf(killed);
		}
	}

	/**
	 * Waits until a sample started on a port answers its readiness probe, as a load
	 * balancer would, and returns a client of its actuator.
	 */
	static ActuatorClient awaitReadiness(ArbiterProcess arbiter, int port) {
		ActuatorClient actuator = ActuatorClient.onPort(port);
		arbiter.await("the sample ready", READY, () -> actuator.answers("/actuator/health/readiness", 200));
		return actuator;
	}

	static int distinctResults(ActuatorClient actuator) {
		return actuator.read("/actuator/metrics/sample.results.distinct")
			.read("$.measurements[0].value", Double.class)
			.intValue();
	}

	static void assertQueueDrained(ArbiterProcess arbiter, ActuatorClient actuator, String queue) {
		arbiter.await("queue " + queue + " drained", Duration.ofSeconds(30), () -> {
			DocumentContext pistil = actuator.read("/actuator/pistil");
			return pistil.read("$.queues." + queue + ".depth", Long.class) == 0
					&& pistil.read("$.queues." + queue + ".inFlight", Long.class) == 0;
		});
		assertThat(actuator.read("/actuator/pistil").read("$.queues." + queue + ".deadLettered", Long.class)).isZero();
	}

}
