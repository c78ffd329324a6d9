package io.pistil.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Each handle() takes a while and records its start and end in the test's event log, to
 * show that a stop lets it finish.
 */
public class SlowStepWorker implements Worker {

	private final Path events;

	public SlowStepWorker(@Value("${test.events-file}") String events) {
		this.events = Path.of(events);
	}

	@Override
	public void handle(WorkerContext context) throws InterruptedException {
		EventLog.append(this.events, "StepStarted", Map.of("pid", context.pid()));
		Thread.sleep(Duration.ofMillis(Long.parseLong(context.args().getOrDefault("step-millis", "1500"))).toMillis());
		EventLog.append(this.events, "StepFinished", Map.of("pid", context.pid()));
	}

}
