package io.pistil.it;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * A worker whose context cannot start while the file that {@code test.fail-while} names
 * exists.
 */
public class FailingWhileMarkedWorker implements Worker {

	public FailingWhileMarkedWorker(@Value("${test.fail-while}") String marker) {
		if (Files.exists(Path.of(marker))) {
			throw new IllegalStateException("cannot start while " + marker + " exists");
		}
	}

	@Override
	public void handle(WorkerContext context) {
	}

}
