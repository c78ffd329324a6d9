package io.pistil.messaging.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.messaging.QueueStatistics;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.QueueSettings;
import io.pistil.messaging.support.QueueSettings.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's decisions, without threads or processes: what is in flight with whom, what
 * goes back when a consumer dies or fails, and when a message is dead-lettered.
 */
class HubTests {

	private final Recorder outbox = new Recorder();

	private final Object workerA = "worker A";

	private final Object workerB = "worker B";

	private Hub hub(QueueSettings... queues) {
		return new Hub(List.of(queues), this.outbox);
	}

	private static QueueSettings queue(String name, int prefetch, int maxDeliveries, String deadLetters) {
		return new QueueSettings(name, Scope.LOCAL, 100, prefetch, maxDeliveries, deadLetters, Duration.ofSeconds(1));
	}

	private static Envelope message(String text) {
		return new Envelope(Map.of(), text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void messagesWaitForAConsumerThenGoToItUpToItsPrefetchInOrder() {
		Hub hub = hub(queue("jobs", 2, 5, null));
		hub.accept("jobs", message("1"), null);
		hub.accept("jobs", message("2"), null);
		hub.accept("jobs", message("3"), null);
		assertThat(hub.statistics("jobs")).isEqualTo(new QueueStatistics(3, 0, 3, 0, 0, 0));

		Hub.Subscription consumer = hub.subscribe(this.workerA, 1, "jobs");

		assertThat(this.outbox.payloads(this.workerA)).containsExactly("1", "2");
		assertThat(hub.statistics("jobs")).isEqualTo(new QueueStatistics(1, 2, 3, 0, 0, 0));
		hub.acknowledge(consumer, this.outbox.tag(0));
		assertThat(this.outbox.payloads(this.workerA)).containsExactly("1", "2", "3");
		assertThat(hub.statistics("jobs")).isEqualTo(new QueueStatistics(0, 2, 3, 1, 0, 0));
	}

	@Test
	void consumersTakeTurns() {
		Hub hub = hub(queue("jobs", 10, 5, null));
		hub.subscribe(this.workerA, 1, "jobs");
		hub.subscribe(this.workerB, 1, "jobs");
		for (int i = 1; i <= 4; i++) {
			hub.accept("jobs", message(Integer.toString(i)), null);
		}
		assertThat(this.outbox.payloads(this.workerA)).containsExactly("1", "3");
		assertThat(this.outbox.payloads(this.workerB)).containsExactly("2", "4");
	}

	@Test
	void whatADeadConsumerHadInFlightGoesToAnotherFirstInItsOrderFlaggedRedelivered() {
		Hub hub = hub(queue("jobs", 2, 5, null));
		hub.subscribe(this.workerA, 1, "jobs");
		hub.accept("jobs", message("1"), null);
		hub.accept("jobs", message("2"), null);
		hub.accept("jobs", message("3"), null);

		hub.close(this.workerA);
		assertThat(hub.statistics("jobs")).isEqualTo(new QueueStatistics(3, 0, 3, 0, 0, 0));
		hub.subscribe(this.workerB, 1, "jobs");

		assertThat(this.outbox.payloads(this.workerB)).containsExactly("1", "2");
		assertThat(this.outbox.deliveries(this.workerB)).extracting(Delivered::redelivered).containsExactly(true, true);
		assertThat(this.outbox.deliveries(this.workerB)).extracting(Delivered::count).containsExactly(2, 2);
		assertThat(hub.statistics("jobs").redelivered()).isEqualTo(2);
		assertThat(this.outbox.deliveries(this.workerB).get(0).messageId())
			.isEqualTo(this.outbox.deliveries(this.workerA).get(0).messageId());
	}

	@Test
	void aRejectedMessageIsDeliveredAgainThenDeadLetteredAfterMaxDeliveries() {
		Hub hub = hub(queue("jobs", 1, 3, "failed"), queue("failed", 1, 1, null));
		Hub.Subscription consumer = hub.subscribe(this.workerA, 1, "jobs");
		hub.accept("jobs", message("poison"), null);

		for (int delivery = 1; delivery <= 3; delivery++) {
			assertThat(this.outbox.deliveries(this.workerA)).hasSize(delivery);
			hub.reject(consumer, this.outbox.tag(delivery - 1), "boom " + delivery);
		}

		assertThat(this.outbox.deliveries(this.workerA)).extracting(Delivered::count).containsExactly(1, 2, 3);
		assertThat(hub.statistics("jobs")).isEqualTo(new QueueStatistics(0, 0, 1, 0, 2, 1));
		assertThat(hub.statistics("failed")).isEqualTo(new QueueStatistics(1, 0, 1, 0, 0, 0));
		hub.subscribe(this.workerB, 2, "failed");
		assertThat(this.outbox.payloads(this.workerB)).containsExactly("poison");
	}

	@Test
	void aRequestDeadLetteredFailsItsRequester() {
		Hub hub = hub(queue("ask", 1, 1, null));
		Hub.Subscription consumer = hub.subscribe(this.workerA, 1, "ask");
		hub.accept("ask", message("question"), new Hub.ReplyTo(this.workerB, 7));

		hub.reject(consumer, this.outbox.tag(0), "IllegalStateException: no");

		assertThat(this.outbox.responses).singleElement().satisfies((response) -> {
			assertThat(response.requester()).isEqualTo(this.workerB);
			assertThat(response.requestId()).isEqualTo(7);
			assertThat(response.error()).contains("'ask'").contains("IllegalStateException: no");
		});
	}

	@Test
	void aReplyAcknowledgesAndGoesToTheRequester() {
		Hub hub = hub(queue("ask", 1, 1, null));
		Hub.Subscription consumer = hub.subscribe(this.workerA, 1, "ask");
		hub.accept("ask", message("question"), new Hub.ReplyTo(this.workerB, 7));
		assertThat(this.outbox.deliveries(this.workerA).get(0).request()).isTrue();

		hub.reply(consumer, this.outbox.tag(0), message("answer"));

		assertThat(this.outbox.responses).singleElement()
			.satisfies((response) -> assertThat(new String(response.reply().payload(), StandardCharsets.UTF_8))
				.isEqualTo("answer"));
		assertThat(hub.statistics("ask")).isEqualTo(new QueueStatistics(0, 0, 1, 1, 0, 0));
	}

	@Test
	void aMessageWhoseConsumersDiedMaxDeliveriesTimesIsDeadLettered() {
		Hub hub = hub(queue("jobs", 1, 1, null));
		hub.subscribe(this.workerA, 1, "jobs");
		hub.accept("jobs", message("1"), null);
		hub.accept("jobs", message("2"), null);

		hub.close(this.workerA);
		hub.subscribe(this.workerB, 1, "jobs");

		assertThat(this.outbox.payloads(this.workerB)).containsExactly("2");
		assertThat(hub.statistics("jobs").deadLettered()).isEqualTo(1);
	}

	@Test
	void aReleasedDeliveryGoesBackFirstWithoutCounting() {
		Hub hub = hub(queue("jobs", 1, 1, null));
		Hub.Subscription stopping = hub.subscribe(this.workerA, 1, "jobs");
		hub.accept("jobs", message("1"), null);
		hub.accept("jobs", message("2"), null);

		hub.release(stopping, this.outbox.tag(0));

		assertThat(this.outbox.payloads(this.workerA)).containsExactly("1", "1");
		assertThat(this.outbox.deliveries(this.workerA).get(1).redelivered()).isFalse();
		assertThat(this.outbox.deliveries(this.workerA).get(1).count()).isEqualTo(1);
		assertThat(hub.statistics("jobs")).isEqualTo(new QueueStatistics(1, 1, 2, 0, 0, 0));
	}

	@Test
	void theRoomOfProducersMovesWithTheReadyMessages() {
		Hub hub = hub(queue("jobs", 1, 5, null));
		hub.accept("jobs", message("1"), null);
		hub.accept("jobs", message("2"), null);
		Hub.Subscription consumer = hub.subscribe(this.workerA, 1, "jobs");
		assertThat(this.outbox.depth.get("jobs")).as("one delivered: one place free").isEqualTo(-1);
		hub.close(this.workerA);
		assertThat(this.outbox.depth.get("jobs")).as("taken back").isEqualTo(0);
		assertThat(consumer.inFlight()).isZero();
	}

	@Test
	void topicsReachEverySubscriberOfTheMoment() {
		Hub hub = hub();
		hub.subscribeTopic(this.workerA, 3, "evictions");
		hub.publish("evictions", message("k1"));
		hub.subscribeTopic(this.workerB, 4, "evictions");
		hub.publish("evictions", message("k2"));
		hub.close(this.workerA);
		hub.publish("evictions", message("k3"));
		assertThat(this.outbox.topicMessages).containsExactly("worker A k1", "worker A k2", "worker B k2",
				"worker B k3");
	}

	record Delivered(Object owner, long tag, long messageId, int count, boolean redelivered, boolean request,
			String payload) {
	}

	record Response(Object requester, long requestId, Envelope reply, String error) {
	}

	static final class Recorder implements Hub.Outbox {

		final List<Delivered> delivered = new ArrayList<>();

		final List<String> topicMessages = new ArrayList<>();

		final List<Response> responses = new ArrayList<>();

		final Map<String, Integer> depth = new HashMap<>();

		@Override
		public void delivery(Object owner, int subscription, long tag, long messageId, int deliveryCount,
				boolean redelivered, boolean request, Envelope envelope) {
			this.delivered.add(new Delivered(owner, tag, messageId, deliveryCount, redelivered, request,
					new String(envelope.payload(), StandardCharsets.UTF_8)));
		}

		@Override
		public void topicMessage(Object owner, int subscription, Envelope envelope) {
			this.topicMessages.add(owner + " " + new String(envelope.payload(), StandardCharsets.UTF_8));
		}

		@Override
		public void response(Object requester, long requestId, Envelope reply, String error) {
			this.responses.add(new Response(requester, requestId, reply, error));
		}

		@Override
		public void depthChanged(QueueSettings queue, int delta) {
			this.depth.merge(queue.name(), delta, Integer::sum);
		}

		List<Delivered> deliveries(Object owner) {
			return this.delivered.stream().filter((delivery) -> delivery.owner() == owner).toList();
		}

		List<String> payloads(Object owner) {
			return deliveries(owner).stream().map(Delivered::payload).toList();
		}

		long tag(int index) {
			return this.delivered.get(index).tag();
		}

	}

}
