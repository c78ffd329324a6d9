package io.pistil.it;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Records what its context sees in the test's event log: a property of a profile's file,
 * its args, and how many beans it holds.
 */
public class EnvironmentWorker implements Worker {

	private final String greeting;

	private final ApplicationContext context;

	private final Path events;

	public EnvironmentWorker(@Value("${test.greeting:no greeting}") String greeting, ApplicationContext context,
			@Value("${test.events-file}") String events) {
		this.greeting = greeting;
		this.context = context;
		this.events = Path.of(events);
	}

	@Override
	public void handle(WorkerContext context) {
		EventLog.append(this.events, "Environment", Map.of("pool", context.pool(), "pid", context.pid(), "greeting",
				this.greeting, "beans", this.context.getBeanDefinitionCount(), "args", context.args()));
	}

}
