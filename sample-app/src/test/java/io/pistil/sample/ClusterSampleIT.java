package io.pistil.sample;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's cluster profile against the RabbitMQ on 127.0.0.1:5672 that
 * {@code .ci/rabbitmq} starts: the jobs queue is a quorum queue, so a killed worker's
 * jobs are redelivered by the broker, and two sample arbiters (nodes) share it. Without a
 * broker these tests fail.
 */
class ClusterSampleIT extends ArbiterTestSupport {

	private ArbiterProcess secondNode;

	@BeforeEach
	void deleteTheJobsQueueOfEarlierRuns() {
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			new RabbitAdmin(connectionFactory).deleteQueue("jobs");
		}
		finally {
			connectionFactory.destroy();
		}
	}

	@AfterEach
	void killTheSecondNode() {
		if (this.secondNode != null) {
			this.secondNode.close();
		}
	}

	@Test
	void everyJobIsDoneDespiteAKillEverySecond() {
		int arbiterPort = SampleHttp.freePort();
		this.arbiter = ArbiterProcess.startJar(MessagingSampleIT.JAR, "--spring.profiles.active=cluster",
				"--server.port=" + arbiterPort);
		ActuatorClient actuator = MessagingSampleIT.awaitReadiness(this.arbiter, arbiterPort);

		List<Long> killed = MessagingSampleIT.killAJobWorkerEverySecondUntilDone(this.arbiter, actuator,
				MessagingSampleIT.JOBS);

		assertThat(killed).hasSizeGreaterThanOrEqualTo(5);
		MessagingSampleIT.assertQueueDrained(this.arbiter, actuator, "jobs");
		assertThat(actuator.read("/actuator/pistil").read("$.queues.jobs.redelivered", Long.class)).isPositive();
	}

	@Test
	void twoNodesShareTheJobsQueueAndBothNodesWorkersConsume() {
		int jobs = 20_000;
		int secondNodePort = SampleHttp.freePort();
		this.secondNode = ArbiterProcess.startJar(MessagingSampleIT.JAR, "--spring.profiles.active=cluster",
				"--server.port=" + secondNodePort, "--pistil.sample.jobs=0");
		ActuatorClient second = MessagingSampleIT.awaitReadiness(this.secondNode, secondNodePort);
		int arbiterPort = SampleHttp.freePort();
		this.arbiter = ArbiterProcess.startJar(MessagingSampleIT.JAR, "--spring.profiles.active=cluster",
				"--server.port=" + arbiterPort, "--pistil.sample.jobs=" + jobs);
		ActuatorClient first = MessagingSampleIT.awaitReadiness(this.arbiter, arbiterPort);

		this.arbiter.await("every job done on one node or the other", Duration.ofMinutes(3),
				() -> acknowledged(first) + acknowledged(second) >= jobs
						&& first.read("/actuator/pistil").read("$.queues.jobs.depth", Long.class) == 0);

		assertThat(acknowledged(first)).as("jobs done by the first node's workers").isPositive();
		assertThat(acknowledged(second)).as("jobs done by the second node's workers").isPositive();
		assertThat(MessagingSampleIT.distinctResults(first) + MessagingSampleIT.distinctResults(second))
			.isGreaterThanOrEqualTo(jobs);
	}

	private static long acknowledged(ActuatorClient node) {
		return node.read("/actuator/pistil").read("$.queues.jobs.acknowledged", Long.class);
	}

}
