package io.pistil.messaging.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queues between a real arbiter and two real worker JVMs, in one scope: requests and
 * replies, topics, dead letters, back-pressure, a listener longer than the heartbeat
 * timeout, and redelivery when a worker is killed. The arbiter's own {@code results}
 * queue is local in both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MessagingIntegrationTests {

	/** The queues whose scope the subclass sets. */
	static final List<String> QUEUES = List.of("jobs", "ask", "poison", "poison-dead", "slow", "backlog");

	private static final Duration READY = Duration.ofSeconds(90);

	private static final Duration SOON = Duration.ofSeconds(30);

	protected ArbiterProcess arbiter;

	protected ActuatorClient actuator;

	/** The scope of the queues under test and of the topic: local or cluster. */
	protected abstract String scope();

	/**
	 * How many messages past its capacity a queue may take: RabbitMQ 3.x's quorum queues
	 * check their length limit before they add the message.
	 */
	protected int capacityOvershoot() {
		return 0;
	}

	/** What must be ready before the arbiter starts. */
	protected void prepare() {
	}

	@BeforeAll
	void startArbiter() {
		prepare();
		List<String> arguments = new ArrayList<>(ArbiterProcess.pool("listeners", ListeningWorker.class, 2));
		arguments.addAll(List.of("--pistil.workers.listeners.timeout=2s", "--pistil.workers.listeners.pause=200ms",
				"--pistil.workers.listeners.jvm-options=-Xmx64m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1,-Dtest.job-millis=20",
				"--pistil.messaging.queues.jobs.prefetch=16", "--pistil.messaging.queues.results.capacity=100000",
				"--pistil.messaging.queues.ask.max-deliveries=2", "--pistil.messaging.queues.poison.max-deliveries=3",
				"--pistil.messaging.queues.poison.dead-letter-queue=poison-dead",
				"--pistil.messaging.queues.poison-dead.capacity=10", "--pistil.messaging.queues.slow.prefetch=1",
				"--pistil.messaging.queues.backlog.capacity=50", "--pistil.messaging.topics.news.scope=" + scope()));
		QUEUES.forEach((queue) -> arguments.add("--pistil.messaging.queues." + queue + ".scope=" + scope()));
		this.arbiter = ArbiterProcess.start(MessagingTestApplication.class, arguments.toArray(String[]::new));
		this.arbiter.awaitReady(READY);
		this.actuator = ActuatorClient.of(this.arbiter, READY);
	}

	@AfterAll
	void stopArbiter() {
		if (this.arbiter != null) {
			this.arbiter.close();
		}
	}

	@BeforeEach
	void clearResults() {
		probe("{\"action\":\"clear\",\"destination\":\"results\"}");
	}

	@Test
	void aRequestFromTheArbiterIsAnsweredByAWorker() {
		DocumentContext outcome = probe("{\"action\":\"request\",\"destination\":\"ask\",\"payload\":\"question 1\"}");

		String reply = outcome.read("$.reply", String.class);
		assertThat(reply).startsWith("question 1 answered by ").endsWith("(delivery 1)");
		long pid = Long.parseLong(reply.split(" ")[4]);
		assertThat(this.arbiter.workers("listeners").values()).contains(pid);
	}

	@Test
	void aTopicMessageReachesEveryWorker() {
		probe("{\"action\":\"publish\",\"destination\":\"news\",\"payload\":\"edition 7\"}");

		Set<String> expected = Set.copyOf(
				this.arbiter.workers("listeners").values().stream().map((pid) -> "edition 7 seen by " + pid).toList());
		this.arbiter.await("both workers' answers to the topic", SOON, () -> results().containsAll(expected));
	}

	@Test
	void aMessageWhoseListenerFailsIsDeadLetteredAfterMaxDeliveries() {
		DocumentContext before = queue("poison");
		long deadLetters = queue("poison-dead").read("$.depth", Long.class);

		probe("{\"action\":\"send\",\"destination\":\"poison\",\"count\":1}");

		this.arbiter
			.await("the poison dead-lettered", SOON,
					() -> queue("poison").read("$.deadLettered",
							Long.class) == before.read("$.deadLettered", Long.class) + 1
							&& queue("poison-dead").read("$.depth", Long.class) == deadLetters + 1);
		DocumentContext poison = queue("poison");
		assertThat(poison.read("$.redelivered", Long.class)).isEqualTo(before.read("$.redelivered", Long.class) + 2);
		assertThat(poison.read("$.acknowledged", Long.class)).isZero();
		this.arbiter.await("nothing in flight", SOON, () -> queue("poison").read("$.inFlight", Long.class) == 0);
	}

	@Test
	void offerIsRefusedOnceAQueueWithoutConsumersIsAtItsCapacityAndTheProducerHoldsNothing() {
		int accepted = probe("{\"action\":\"offer\",\"destination\":\"backlog\",\"count\":80}").read("$.accepted",
				Integer.class);
		assertThat(accepted).isBetween(50, 50 + capacityOvershoot());
		long before = residentBytes(this.arbiter.pid());

		assertThat(probe("{\"action\":\"offer\",\"destination\":\"backlog\",\"count\":500000}").read("$.accepted",
				Integer.class))
			.isZero();

		assertThat(this.actuator.read("/actuator/pistil").read("$.queues.backlog.depth", Long.class))
			.isEqualTo(accepted);
		assertThat(residentBytes(this.arbiter.pid()) - before).as("the arbiter's growth in resident memory")
			.isLessThan(32L << 20);
	}

	@Test
	void aListenerLongerThanTheHeartbeatTimeoutKeepsItsWorker() {
		Map<Integer, Long> workers = this.arbiter.workers("listeners");
		probe("{\"action\":\"send\",\"destination\":\"slow\",\"count\":1}");

		this.arbiter.await("the slow listener's result", SOON,
				() -> results().stream().anyMatch((result) -> result.startsWith("slow 1 done by ")));

		assertThat(this.arbiter.workers("listeners")).isEqualTo(workers);
		assertThat(this.actuator.read("/actuator/pistil").read("$.pools.listeners.restarts", Long.class)).isZero();
	}

	@Test
	void whatAKilledWorkerHadInFlightIsRedeliveredToTheOtherAndNothingIsLost() {
		probe("{\"action\":\"send\",\"destination\":\"jobs\",\"count\":400}");
		// Both workers have their prefetch of jobs by then.
		this.arbiter.await("jobs under way", SOON, () -> queue("jobs").read("$.acknowledged", Long.class) > 40);
		long victim = this.arbiter.workers("listeners").get(1);

		ArbiterProcess.signal(victim, UnixSignal.KILL);

		this.arbiter.await("400 distinct results", Duration.ofSeconds(60), () -> distinct() == 400);
		this.arbiter.await("the jobs queue drained", SOON, () -> queue("jobs").read("$.depth", Long.class) == 0
				&& queue("jobs").read("$.inFlight", Long.class) == 0);
		DocumentContext jobs = queue("jobs");
		assertThat(jobs.read("$.redelivered", Long.class)).isPositive();
		assertThat(jobs.read("$.deadLettered", Long.class)).isZero();
		assertThat(jobs.read("$.acknowledged", Long.class)).isGreaterThanOrEqualTo(400);
		assertThat(this.actuator.read("/actuator/metrics/pistil.queue.redelivered?tag=queue:jobs")
			.read("$.measurements[0].value", Double.class))
			.isEqualTo(jobs.read("$.redelivered", Long.class).doubleValue());
		this.arbiter.await("the killed worker replaced", READY, () -> this.arbiter.workers("listeners").size() == 2
				&& !this.arbiter.workers("listeners").containsValue(victim));
	}

	protected DocumentContext probe(String json) {
		HttpResponse<String> response = this.actuator.post("/actuator/probe", json);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonPath.parse(response.body());
	}

	protected DocumentContext queue(String name) {
		return JsonPath.parse(this.actuator.read("/actuator/pistil").read("$.queues." + name, Map.class));
	}

	private Set<String> results() {
		List<String> results = this.actuator.read("/actuator/probe").read("$.results");
		return Set.copyOf(results);
	}

	private int distinct() {
		return this.actuator.read("/actuator/probe").read("$.distinct", Integer.class);
	}

	private static long residentBytes(long pid) {
		try {
			String[] statm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "statm"))
				.trim()
				.split(" ");
			return Long.parseLong(statm[1]) * 4096;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
