package io.pistil.messaging.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

import io.pistil.messaging.PistilMessaging;
import io.pistil.messaging.support.DeliveryHandler;
import io.pistil.messaging.support.Envelope;
import io.pistil.messaging.support.MessagingSettings;
import io.pistil.messaging.support.QueueSettings.Scope;
import io.pistil.messaging.support.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the arbiter and the workers share, over a recording local transport: the validated
 * settings, the messaging bean, a channel bean per queue, and errors that name the
 * property at fault.
 */
class MessagingConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(MessagingConfiguration.class)
		.withBean(MessagingConfiguration.LOCAL_TRANSPORT, RecordingTransport.class, RecordingTransport::new);

	@Test
	void queuesAndTopicsAreReadWithTheirDefaults() {
		this.runner
			.withPropertyValues("pistil.messaging.queues.jobs.prefetch=4", "pistil.messaging.queues.results.capacity=7",
					"pistil.messaging.topics.news.scope=local")
			.run((context) -> {
				MessagingSettings settings = context.getBean(MessagingSettings.class);
				assertThat(settings.queues()).containsOnlyKeys("jobs", "results");
				assertThat(settings.queue("jobs").prefetch()).isEqualTo(4);
				assertThat(settings.queue("jobs").capacity()).isEqualTo(10_000);
				assertThat(settings.queue("jobs").maxDeliveries()).isEqualTo(5);
				assertThat(settings.queue("jobs").sendTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(settings.queue("results").capacity()).isEqualTo(7);
				assertThat(settings.topic("news")).isEqualTo(Scope.LOCAL);
			});
	}

	@Test
	void eachQueueIsAMessageChannelThatSendsItsPayload() {
		this.runner.withPropertyValues("pistil.messaging.queues.jobs.capacity=5").run((context) -> {
			MessageChannel channel = context.getBean("jobsChannel", MessageChannel.class);
			assertThat(channel.send(MessageBuilder.withPayload("job 1").build())).isTrue();
			RecordingTransport transport = context.getBean(RecordingTransport.class);
			assertThat(transport.sent).singleElement()
				.satisfies((sent) -> assertThat(new String(sent.payload())).isEqualTo("job 1"));
			assertThat(context.getBean(PistilMessaging.class)).isNotNull();
		});
	}

	@Test
	void anInvalidValueStopsTheStartNamingItsProperty() {
		this.runner.withPropertyValues("pistil.messaging.queues.jobs.prefetch=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(analysis(context.getStartupFailure()).getDescription())
				.isEqualTo("Invalid value '0' for property pistil.messaging.queues.jobs.prefetch: must be 1 or more.");
		});
	}

	@Test
	void aDeadLetterQueueMustBeAnotherQueueOfTheSameScope() {
		this.runner.withPropertyValues("pistil.messaging.queues.jobs.dead-letter-queue=failed").run((context) -> {
			assertThat(analysis(context.getStartupFailure()).getDescription()).isEqualTo(
					"Invalid value 'failed' for property pistil.messaging.queues.jobs.dead-letter-queue: no such queue; the queues are [jobs].");
		});
	}

	@Test
	void theClusterScopeWithoutSpringAmqpStopsTheStart() {
		this.runner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.withPropertyValues("pistil.messaging.queues.jobs.scope=cluster")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.startsWith("Invalid value 'cluster' for property pistil.messaging.queues.jobs.scope: ")
				.contains("add spring-boot-starter-amqp"));
	}

	@Test
	void aRingSizeThatIsNoPowerOfTwoStopsTheStart() {
		this.runner.withPropertyValues("pistil.messaging.queues.jobs.capacity=5", "pistil.messaging.ring-size=3MB")
			.run((context) -> assertThat(analysis(context.getStartupFailure()).getDescription())
				.isEqualTo("Invalid value '3MB' for property pistil.messaging.ring-size: "
						+ "must be a power of two between 64KB and 1GB."));
	}

	private static FailureAnalysis analysis(Throwable failure) {
		FailureAnalysis analysis = new InvalidMessagingPropertyFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("an analysis of %s", failure).isNotNull();
		return analysis;
	}

	static final class RecordingTransport implements Transport {

		final List<Envelope> sent = new ArrayList<>();

		@Override
		public void send(String queue, Envelope message, Duration timeout) {
			this.sent.add(message);
		}

		@Override
		public boolean offer(String queue, Envelope message) {
			return this.sent.add(message);
		}

		@Override
		public CompletableFuture<Envelope> request(String queue, Envelope message, Duration timeout) {
			this.sent.add(message);
			return new CompletableFuture<>();
		}

		@Override
		public void publish(String topic, Envelope message) {
			this.sent.add(message);
		}

		@Override
		public Subscription listen(String queue, DeliveryHandler handler) {
			return (timeout) -> {
			};
		}

		@Override
		public Subscription subscribe(String topic, DeliveryHandler handler) {
			return (timeout) -> {
			};
		}

		@Override
		public void close() {
		}

	}

}
