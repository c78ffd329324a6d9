package io.pistil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arbiter's signals and hooks with real processes: gunicorn's signal set, a rolling
 * reload that never drops below the desired count, and signals that arrive while another
 * one is at work.
 */
class SignalsIT extends ArbiterTestSupport {

	@Test
	void ttinAddsAWorkerAndTtouRetiresTheOldestAfterItsCurrentStep() {
		List<String> arguments = new ArrayList<>(pool("slow", SlowStepWorker.class, 2));
		// No pause between steps: a TTOU always finds the worker in a step.
		arguments.addAll(List.of("--pistil.workers.slow.args.step-millis=1000", "--pistil.workers.slow.pause=0ms"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		Map<Integer, Long> before = this.arbiter.workers("slow");

		this.arbiter.signal(UnixSignal.TTIN);

		this.arbiter.await("a third worker", READY, () -> this.arbiter.workers("slow").size() == 3);
		long added = this.arbiter.workers("slow").get(3);
		assertThat(before).doesNotContainValue(added);
		this.arbiter.awaitLine((line) -> line.contains("worker slow.3 (pid " + added + ") ready"), READY);
		long oldest = before.get(1);

		this.arbiter.signal(UnixSignal.TTOU);

		String exit = this.arbiter.awaitLine(
				(line) -> line.contains("worker slow.1 (pid " + oldest + ") exited with code 0"),
				Duration.ofSeconds(10));
		List<String> lines = this.arbiter.lines();
		int resized = indexOf(lines, "pool slow resized from 3 to 2");
		int lastStepEnd = lastIndexOf(lines, "step finished in pid " + oldest);
		assertThat(resized).isPositive();
		assertThat(lastStepEnd).as("its step finished after the TTOU, before it exited")
			.isGreaterThan(resized)
			.isLessThan(lines.indexOf(exit));
		assertThat(indexOf(lines, "step started in pid " + oldest, lastStepEnd)).as("no step after the TTOU")
			.isNegative();
		assertThat(this.arbiter.workers("slow")).hasSize(2).containsValues(before.get(2), added);
	}

	@Test
	void hupReplacesEveryWorkerWhileTheReadyCountNeverDropsBelowTheDesiredCount() throws InterruptedException {
		this.arbiter = TestApplication.launch(pool("ticks", TickWorker.class, 3));
		this.arbiter.awaitReady(READY);
		Collection<Long> before = this.arbiter.workers("ticks").values();
		AtomicInteger fewestReady = new AtomicInteger(Integer.MAX_VALUE);
		AtomicBoolean sampling = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				fewestReady.accumulateAndGet(this.arbiter.readyInScoreboard(), Math::min);
				Thread.onSpinWait();
			}
		});
		sampler.start();

		this.arbiter.signal(UnixSignal.HUP);

		try {
			this.arbiter.awaitLine((line) -> line.contains("pool ticks reloaded"), READY);
		}
		finally {
			sampling.set(false);
			sampler.join();
		}
		Map<Integer, Long> after = this.arbiter.workers("ticks");
		assertThat(after).hasSize(3);
		assertThat(after.values()).doesNotContainAnyElementsOf(before);
		assertThat(fewestReady.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void hupToAWorkerThatCannotBootKeepsTheOldWorkersAndLogsTheBootError(@TempDir Path directory) throws IOException {
		Path config = directory.resolve("pools.yml");
		writePool(config, TickWorker.class);
		this.arbiter = TestApplication.launch(List.of("--spring.config.additional-location=file:" + config));
		this.arbiter.awaitReady(READY);
		Map<Integer, Long> before = this.arbiter.workers("ticks");
		writePool(config, BrokenWorker.class);

		this.arbiter.signal(UnixSignal.HUP);

		this.arbiter.awaitLine((line) -> line.contains("reload of pool ticks stopped"), READY);
		assertThat(this.arbiter.output()).contains("database unreachable at startup")
			.contains("the old workers keep running");
		this.arbiter.await("the failed worker gone", Duration.ofSeconds(10),
				() -> this.arbiter.workers("ticks").equals(before));
		this.arbiter.awaitLine((line) -> line.startsWith("[ticks.1 pid " + before.get(1) + "] tick"), READY);
	}

	@Test
	void hupDuringAReloadIsAppliedOnceTheFirstReloadEnds() {
		this.arbiter = TestApplication.launch(pool("ticks", TickWorker.class, 2));
		this.arbiter.awaitReady(READY);
		Set<Long> original = new HashSet<>(this.arbiter.workers("ticks").values());

		this.arbiter.signal(UnixSignal.HUP);
		this.arbiter.awaitLine((line) -> line.contains("reloading pool ticks"), READY);
		this.arbiter.signal(UnixSignal.HUP);

		this.arbiter.awaitLine((line) -> line.contains("queued behind the reload in progress"), READY);
		this.arbiter.await("two reloads", READY, () -> count("pool ticks reloaded") == 2);
		this.arbiter.await("two workers of the last generation", Duration.ofSeconds(10),
				() -> this.arbiter.workers("ticks").size() == 2);
		assertThat(this.arbiter.workers("ticks").values()).doesNotContainAnyElementsOf(original);
		assertThat(this.arbiter.spawnedPids()).hasSize(6);
	}

	@Test
	void termDuringAReloadStopsEverythingWithExitCodeZero() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.add("--pistil.graceful-timeout=5s");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);

		this.arbiter.signal(UnixSignal.HUP);
		this.arbiter.awaitLine((line) -> line.contains("reloading pool ticks"), READY);
		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(5 + 2))).isZero();
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	/**
	 * The kernel merges identical signals that arrive before the JVM takes the first, so
	 * a burst counts as at least one TTIN and at most fifty: every one the arbiter
	 * receives must be applied, up to max-workers, and the pool must end with exactly
	 * that many workers.
	 */
	@Test
	void aBurstOfFiftyTtinEndsInAConsistentPoolBoundedByMaxWorkers() {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.add("--pistil.workers.ticks.max-workers=5");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);

		for (int i = 0; i < 50; i++) {
			this.arbiter.signal(UnixSignal.TTIN);
		}

		this.arbiter.awaitLine((line) -> line.contains("SIGTTIN received"), READY);
		this.arbiter.await("as many ready workers as TTIN received, up to 5", READY, () -> {
			int expected = Math.min(2 + count("SIGTTIN received"), 5);
			return this.arbiter.workers("ticks").size() == expected && count("worker ticks." + expected + " (pid ") > 0
					&& this.arbiter.readyInScoreboard() == expected;
		});
		int workers = this.arbiter.workers("ticks").size();
		assertThat(this.arbiter.spawnedPids()).hasSize(workers);
		assertThat(this.arbiter.workers("ticks").keySet())
			.containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, workers).boxed().toList());
		assertThat(this.arbiter.output()).doesNotContain("SIGTTIN failed");
	}

	@Test
	void winchStopsEveryWorkerAndKeepsTheArbiterRunning() {
		this.arbiter = TestApplication.launch(pool("ticks", TickWorker.class, 2));
		this.arbiter.awaitReady(READY);

		this.arbiter.signal(UnixSignal.WINCH);

		this.arbiter.await("no worker", Duration.ofSeconds(10), () -> this.arbiter.workers("ticks").isEmpty());
		assertThat(this.arbiter.isAlive()).isTrue();
		assertThat(this.arbiter.output()).contains("pool ticks resized from 2 to 0");
		this.arbiter.signal(UnixSignal.TTIN);
		this.arbiter.await("one worker back", READY, () -> this.arbiter.workers("ticks").size() == 1);
	}

	@Test
	void sigintStopsQuicklyEvenAWorkerInALongStep() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("slow", SlowStepWorker.class, 1));
		arguments.addAll(List.of("--pistil.workers.slow.args.step-millis=60000", "--pistil.graceful-timeout=30s"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		long slow = this.arbiter.workers("slow").get(1);
		this.arbiter.awaitLine((line) -> line.contains("step started in pid " + slow), READY);

		this.arbiter.signal(UnixSignal.INT);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(1 + 2))).isZero();
		assertThat(this.arbiter.output())
			.contains("worker slow.1 (pid " + slow + ") did not stop in time: sending SIGKILL");
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void usr1LogsEveryPoolAndWorker() {
		this.arbiter = TestApplication.launch(pool("ticks", TickWorker.class, 2));
		this.arbiter.awaitReady(READY);
		Map<Integer, Long> workers = this.arbiter.workers("ticks");

		this.arbiter.signal(UnixSignal.USR1);

		this.arbiter.awaitLine((line) -> line.contains("pool ticks RUNNING: 2 ready of 2"), Duration.ofSeconds(10));
		this.arbiter.awaitLine((line) -> line.contains("ticks.2 pid " + workers.get(2) + " idle"),
				Duration.ofSeconds(10));
	}

	@Test
	void everyHookFiresOnceAndInOrder() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("hooks", EventsWorker.class, 2));
		arguments.add("--test.print-events=true");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		this.arbiter.awaitLine((line) -> line.contains("customized=hooks.2"), READY);
		this.arbiter.signal(UnixSignal.TTIN);
		this.arbiter.await("a third worker", READY, () -> this.arbiter.workers("hooks").size() == 3);
		this.arbiter.awaitLine((line) -> line.contains("arbiter event: WorkerReady[pool=hooks, number=3"), READY);

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(40))).isZero();
		List<String> events = this.arbiter.lines()
			.stream()
			.filter((line) -> line.startsWith("arbiter event: "))
			.map((line) -> line.substring("arbiter event: ".length()).replaceAll("\\[.*", ""))
			.toList();
		assertThat(events).containsExactly("ArbiterStarting", "WorkerSpawning", "WorkerStarted", "WorkerSpawning",
				"WorkerStarted", "WorkerReady", "WorkerReady", "ArbiterReady", "PoolResized", "WorkerSpawning",
				"WorkerStarted", "WorkerReady", "ArbiterStopping", "WorkerExited", "WorkerExited", "WorkerExited",
				"ArbiterStopped");
		assertThat(count("a listener failed on WorkerStarted")).isEqualTo(3);
		for (int number = 1; number <= 3; number++) {
			String worker = " hooks." + number;
			List<String> childEvents = this.arbiter.lines()
				.stream()
				.filter((line) -> line.contains("child event: ") && line.endsWith(worker))
				.map((line) -> line.replaceAll(".*child event: (\\w+) .*", "$1"))
				.toList();
			assertThat(childEvents).as(worker).containsExactly("Started", "Ready", "Interrupted", "Exiting");
		}
	}

	private static void writePool(Path config, Class<?> worker) throws IOException {
		Files.writeString(config,
				String.join("\n", "pistil:", "  workers:", "    ticks:", "      worker-class: " + worker.getName(),
						"      workers: 2", "      jvm-options: [-Xmx64m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]",
						""));
	}

	private static int lastIndexOf(List<String> lines, String text) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		return -1;
	}

}
