package io.pistil.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.contract.RunFiles;

/**
 * Trains one archive: a run of a pool's worker that writes it, then a JVM that must map
 * it ({@code -version}, a few tens of milliseconds), then its publication.
 */
final class TrainingRun {

	private static final Log logger = LogFactory.getLog(TrainingRun.class);

	private static final int REPORTED_LINES = 8;

	private final JavaRuntime runtime;

	private final String classPath;

	private final ArchiveKind kind;

	private final Set<Process> running;

	private final Duration timeout;

	TrainingRun(JavaRuntime runtime, String classPath, ArchiveKind kind, Set<Process> running, Duration timeout) {
		this.runtime = runtime;
		this.classPath = classPath;
		this.kind = kind;
		this.running = running;
		this.timeout = timeout;
	}

	void run(Archive archive, String pool, List<String> jvmOptions, Training training) throws IOException {
		Path work = Files.createTempDirectory(archive.file().getParent(), "training-");
		Path made = work.resolve("archive." + this.kind.extension());
		try {
			List<String> options = new ArrayList<>(this.kind.trainingOptions(made));
			// Spring stops the JVM once the context is refreshed, before any worker runs.
			options.add("-Dspring.context.exit=onRefresh");
			long started = System.nanoTime();
			int trained = execute(training.command(work, options), work.resolve("training.log"));
			if (trained != 0 || !Files.isRegularFile(made) || Files.size(made) == 0) {
				throw new TrainingFailedException("the training run of a worker exited with " + trained
						+ " and wrote no archive" + lastLines(work.resolve("training.log")));
			}
			List<String> check = new ArrayList<>();
			check.add(this.runtime.javaExecutable().toString());
			check.addAll(jvmOptions);
			check.addAll(this.kind.validationOptions(made));
			check.addAll(List.of("-cp", this.classPath, "-version"));
			int checked = execute(check, work.resolve("check.log"));
			if (checked != 0) {
				throw new TrainingFailedException("the JVM refused the archive it made (exit " + checked + ")"
						+ lastLines(work.resolve("check.log")));
			}
			long trainedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			archive.publish(made, pool + " on " + this.runtime.description());
			logger.info("pistil: start-up cache for pool '" + pool + "' made in "
					+ String.format("%.1f s", trainedMillis / 1e3) + ": " + archive.file() + " (" + this.kind + ", "
					+ archive.megabytes() + "); its next workers start from it");
		}
		finally {
			deleteTree(work);
		}
	}

	private int execute(List<String> command, Path log) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		this.running.add(process);
		try {
			if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new TrainingFailedException(
						"the training run took longer than " + this.timeout.toSeconds() + " s" + lastLines(log));
			}
			return process.exitValue();
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new TrainingFailedException("interrupted");
		}
		finally {
			this.running.remove(process);
		}
	}

	private static String lastLines(Path log) {
		try {
			// The JVM's own lines (classes it cannot archive) hide why the run failed.
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8)
				.stream()
				.filter((line) -> !line.matches("^\\[[0-9.]+s\\]\\[.*"))
				.toList();
			List<String> last = lines.subList(Math.max(0, lines.size() - REPORTED_LINES), lines.size());
			return last.isEmpty() ? "" : ":\n\t" + String.join("\n\t", last);
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static void deleteTree(Path directory) {
		try {
			RunFiles.deleteTree(directory);
		}
		catch (IOException ex) {
			logger.debug("pistil: cannot delete " + directory, ex);
		}
	}

	/** A training run that made no usable archive. */
	static final class TrainingFailedException extends RuntimeException {

		TrainingFailedException(String message) {
			super(message);
		}

	}

}
