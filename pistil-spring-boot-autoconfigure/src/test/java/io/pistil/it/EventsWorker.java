package io.pistil.it;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;
import io.pistil.worker.WorkerEvent;

/**
 * Records the events of its own context, and what a launch customizer put in its
 * environment, in the test's event log.
 */
public class EventsWorker implements Worker {

	private final Path events;

	public EventsWorker(@Value("${test.events-file}") String events) {
		this.events = Path.of(events);
	}

	@EventListener
	public void on(WorkerEvent event) {
		EventLog.append(this.events, "ChildEvent", Map.of("event", event.getClass().getSimpleName(), "pool",
				event.worker().pool(), "number", event.worker().number(), "pid", event.worker().pid()));
	}

	@Override
	public void handle(WorkerContext context) {
		EventLog.append(this.events, "Customized", Map.of("number", context.number(), "pid", context.pid(), "value",
				String.valueOf(System.getenv("PISTIL_TEST_CUSTOMIZED"))));
	}

}
