package io.pistil.it;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Prints what its context sees: a property of a profile's file, and how many beans it
 * holds.
 */
public class EnvironmentWorker implements Worker {

	private final String greeting;

	private final ApplicationContext context;

	public EnvironmentWorker(@Value("${test.greeting:no greeting}") String greeting, ApplicationContext context) {
		this.greeting = greeting;
		this.context = context;
	}

	@Override
	public void handle(WorkerContext context) {
		System.out.println("greeting=" + this.greeting + " beans=" + this.context.getBeanDefinitionCount() + " args="
				+ context.args());
	}

}
