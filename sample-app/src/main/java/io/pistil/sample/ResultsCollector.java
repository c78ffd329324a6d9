package io.pistil.sample;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.pistil.messaging.PistilListener;

/**
 * Collects the job workers' results in the arbiter (one consumer, many producers) and
 * exposes how many distinct jobs are done as the gauge {@code sample.results.distinct}:
 * at-least-once delivery may bring a job's result twice, never lose it.
 */
@Component
@Profile("messaging")
class ResultsCollector implements MeterBinder {

	private final Set<Integer> done = ConcurrentHashMap.newKeySet();

	@PistilListener(queue = "results")
	void collect(JobResult result) {
		this.done.add(result.id());
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("sample.results.distinct", this.done, Set::size)
			.description("Distinct jobs whose result has been collected")
			.register(registry);
	}

}
