package io.pistil.it;

import org.springframework.context.event.EventListener;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;
import io.pistil.worker.WorkerEvent;

/**
 * Prints the events of its own context, and what a launch customizer put in its
 * environment.
 */
public class EventsWorker implements Worker {

	@EventListener
	public void on(WorkerEvent event) {
		System.out.println("child event: " + event.getClass().getSimpleName() + " " + event.worker().pool() + "."
				+ event.worker().number());
	}

	@Override
	public void handle(WorkerContext context) {
		System.out.println("customized=" + System.getenv("PISTIL_TEST_CUSTOMIZED"));
	}

}
