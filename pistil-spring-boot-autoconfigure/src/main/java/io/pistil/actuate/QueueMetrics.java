package io.pistil.actuate;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pistil.messaging.MessagingStatistics;
import io.pistil.messaging.QueueStatistics;

/**
 * Micrometer meters of the messaging's queues, each tagged with its {@code queue}: the
 * gauges {@code pistil.queue.depth} and {@code pistil.queue.in.flight}, and the counters
 * {@code pistil.queue.sent}, {@code pistil.queue.acknowledged},
 * {@code pistil.queue.redelivered} and {@code pistil.queue.dead.lettered}. They read one
 * set of figures per {@code maxAgeMillis}, however many meters a scrape reads.
 */
public class QueueMetrics implements MeterBinder {

	private final MessagingStatistics statistics;

	private final List<String> queues;

	private final long maxAgeNanos;

	private Map<String, QueueStatistics> figures;

	private long takenAt;

	/**
	 * Creates the meters' source.
	 * @param statistics the queues' figures
	 * @param queues the queue names
	 * @param maxAgeMillis how long one reading of the figures serves
	 */
	public QueueMetrics(MessagingStatistics statistics, List<String> queues, long maxAgeMillis) {
		this.statistics = statistics;
		this.queues = List.copyOf(queues);
		this.maxAgeNanos = maxAgeMillis * 1_000_000;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String queue : this.queues) {
			gauge(registry, queue, "pistil.queue.depth", "Messages of the queue waiting for a consumer",
					QueueStatistics::depth);
			gauge(registry, queue, "pistil.queue.in.flight", "Deliveries of the queue not yet acknowledged",
					QueueStatistics::inFlight);
			counter(registry, queue, "pistil.queue.sent", "Messages sent to the queue", QueueStatistics::sent);
			counter(registry, queue, "pistil.queue.acknowledged", "Deliveries of the queue handled",
					QueueStatistics::acknowledged);
			counter(registry, queue, "pistil.queue.redelivered", "Deliveries of a message delivered before",
					QueueStatistics::redelivered);
			counter(registry, queue, "pistil.queue.dead.lettered", "Messages given up after max-deliveries",
					QueueStatistics::deadLettered);
		}
	}

	private void gauge(MeterRegistry registry, String queue, String name, String description,
			ToDoubleFunction<QueueStatistics> value) {
		Gauge.builder(name, this, (metrics) -> metrics.read(queue, value))
			.description(description)
			.tag("queue", queue)
			.register(registry);
	}

	private void counter(MeterRegistry registry, String queue, String name, String description,
			ToDoubleFunction<QueueStatistics> value) {
		FunctionCounter.builder(name, this, (metrics) -> metrics.read(queue, value))
			.description(description)
			.tag("queue", queue)
			.register(registry);
	}

	private double read(String queue, ToDoubleFunction<QueueStatistics> value) {
		QueueStatistics figures = figures().get(queue);
		return (figures != null) ? value.applyAsDouble(figures) : Double.NaN;
	}

	private synchronized Map<String, QueueStatistics> figures() {
		long now = System.nanoTime();
		if (this.figures == null || now - this.takenAt > this.maxAgeNanos) {
			this.figures = this.statistics.queues();
			this.takenAt = now;
		}
		return this.figures;
	}

}
