package io.pistil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

/**
 * Starts a long {@code sleep} of its own, in its process group, and writes its pid to the
 * directory named by its {@code pids} argument.
 */
public class SubprocessWorker implements Worker {

	private Process sleep;

	@Override
	public void handle(WorkerContext context) throws IOException {
		if (this.sleep == null) {
			this.sleep = new ProcessBuilder("sleep", "600").start();
			Path file = Path.of(context.args().get("pids"), Long.toString(context.pid()));
			Files.writeString(file, Long.toString(this.sleep.pid()));
		}
	}

}
