package io.pistil.autoconfigure.importing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.pistil.worker.PistilWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/** A worker that imports what it needs, as a slim child context expects. */
@PistilWorker(name = "importing", workers = 0)
@Import(ImportingWorker.WorkerResources.class)
public class ImportingWorker implements Worker {

	@Override
	public void handle(WorkerContext context) {
	}

	@Configuration(proxyBeanMethods = false)
	public static class WorkerResources {

		@Bean
		StringBuilder workerResource() {
			return new StringBuilder("only for the child");
		}

	}

}
