package io.pistil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arbiter's supervision with real processes: an arbiter application in a JVM of its
 * own, real child JVMs, real signals.
 */
class SupervisionIT extends ArbiterTestSupport {

	@Test
	void killedWorkerIsReplacedWithinTwoSeconds() {
		this.arbiter = start(pool("ticks", TickWorker.class, 3), List.of("--pistil.workers.ticks.pause=200ms"));
		this.arbiter.awaitReady(READY);
		Map<Integer, Long> before = this.arbiter.workers("ticks");
		assertThat(before).hasSize(3);
		long victim = before.get(2);

		ArbiterProcess.signal(victim, UnixSignal.KILL);

		this.arbiter.await("replaced", Duration.ofSeconds(2), () -> {
			Map<Integer, Long> now = this.arbiter.workers("ticks");
			return now.size() == 3 && !now.containsValue(victim);
		});
		long replacement = this.arbiter.workers("ticks").get(2);
		assertThat(this.arbiter.workers("ticks")).containsEntry(1, before.get(1)).containsEntry(3, before.get(3));
		this.arbiter.awaitLine(
				(line) -> line.contains("worker ticks.2 (pid " + victim + ") was killed by signal 9 (SIGKILL)"),
				Duration.ofSeconds(5));
		this.arbiter.awaitLine((line) -> line.startsWith("[ticks.2 pid " + replacement + "] tick from ticks.2"), READY);
	}

	@Test
	void hungWorkerPrintsItsThreadDumpThenIsKilledAndReplaced() {
		this.arbiter = start(pool("stuck", HangingWorker.class, 1), List.of("--pistil.workers.stuck.timeout=2s"));
		this.arbiter.awaitReady(READY);
		long hung = this.arbiter.workers("stuck").get(1);
		String prefix = "[stuck.1 pid " + hung + "] ";

		String silent = this.arbiter.awaitLine(
				(line) -> line.contains("worker stuck.1 (pid " + hung + ") has been silent"), Duration.ofSeconds(20));
		String dump = this.arbiter.awaitLine((line) -> line.startsWith(prefix + "Full thread dump"),
				Duration.ofSeconds(10));
		String frame = this.arbiter.awaitLine(
				(line) -> line.startsWith(prefix) && line.contains("at io.pistil.it.HangingWorker.handle"),
				Duration.ofSeconds(10));
		String killed = this.arbiter.awaitLine(
				(line) -> line.contains("worker stuck.1 (pid " + hung + ") killed (SIGKILL) after its timeout"),
				Duration.ofSeconds(10));
		List<String> lines = this.arbiter.lines();
		assertThat(lines.indexOf(silent)).isLessThan(lines.indexOf(dump));
		assertThat(lines.indexOf(dump)).isLessThan(lines.indexOf(frame));
		assertThat(lines.indexOf(frame)).isLessThan(lines.indexOf(killed));
		this.arbiter.await("replaced", Duration.ofSeconds(5), () -> {
			Long now = this.arbiter.workers("stuck").get(1);
			return now != null && now != hung;
		});
	}

	@Test
	void sigtermStopsEveryWorkerAfterItsCurrentStepAndExitsWithZero() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.addAll(pool("slow", SlowStepWorker.class, 1));
		arguments.add("--pistil.graceful-timeout=5s");
		this.arbiter = start(arguments, List.of());
		this.arbiter.awaitReady(READY);
		long slow = this.arbiter.workers("slow").get(1);
		Collection<Long> workers = new ArrayList<>(this.arbiter.workers("ticks").values());
		workers.add(slow);
		int stepsStarted = count("step started in pid " + slow);
		this.arbiter.await("a step started", Duration.ofSeconds(10),
				() -> count("step started in pid " + slow) > stepsStarted);

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(5 + 2))).isZero();
		assertThat(this.arbiter.output()).contains("step finished in pid " + slow)
			.contains("worker slow.1 (pid " + slow + ") exited with code 0");
		assertThat(workers).noneMatch((pid) -> ProcessHandle.of(pid).isPresent());
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void slimAndFullChildrenReadTheApplicationsConfigurationAndProfiles() {
		List<String> arguments = new ArrayList<>(pool("slim", EnvironmentWorker.class, 1));
		arguments.addAll(pool("full", EnvironmentWorker.class, 1));
		arguments.addAll(List.of("--pistil.workers.full.context=full", "--pistil.workers.slim.args.colour=blue",
				"--spring.profiles.active=itprofile"));
		this.arbiter = start(arguments, List.of());
		this.arbiter.awaitReady(READY);

		String slim = this.arbiter.awaitLine((line) -> line.startsWith("[slim.1 pid ") && line.contains("greeting="),
				READY);
		String full = this.arbiter.awaitLine((line) -> line.startsWith("[full.1 pid ") && line.contains("greeting="),
				READY);
		assertThat(slim).contains("greeting=hello from the itprofile profile").contains("args={colour=blue}");
		assertThat(full).contains("greeting=hello from the itprofile profile");
		assertThat(beanCount(full)).isGreaterThan(beanCount(slim) + 20);
	}

	private static int beanCount(String line) {
		Matcher matcher = Pattern.compile("beans=(\\d+)").matcher(line);
		assertThat(matcher.find()).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

	@Test
	void killedArbiterLeavesNoWorkerBehind() throws InterruptedException {
		this.arbiter = start(pool("ticks", TickWorker.class, 2), List.of());
		this.arbiter.awaitReady(READY);
		assertThat(this.arbiter.remainingWorkers()).hasSize(2);

		this.arbiter.signal(UnixSignal.KILL);

		this.arbiter.awaitExit(Duration.ofSeconds(5));
		this.arbiter.await("every worker gone", Duration.ofSeconds(3), () -> this.arbiter.remainingWorkers().isEmpty());
	}

	@Test
	void workerWhoseContextCannotStartFailsTheApplicationStartWithItsException() throws InterruptedException {
		this.arbiter = start(pool("broken", BrokenWorker.class, 2), List.of());

		assertThat(this.arbiter.awaitExit(READY)).isNotZero();
		assertThat(this.arbiter.output()).contains("APPLICATION FAILED TO START")
			.containsPattern("Worker broken\\.\\d \\(pid \\d+\\) failed to start \\(exited with code 3\\)")
			.contains("java.lang.IllegalStateException: database unreachable at startup");
		assertThat(this.arbiter.spawnedPids()).hasSize(2);
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void childHoldsNoDescriptorOfTheArbiterBeyondItsStandardStreams(@TempDir Path directory) throws IOException {
		Path canary = directory.resolve("canary");
		this.arbiter = start(pool("ticks", TickWorker.class, 1), List.of("--test.canary-file=" + canary));
		this.arbiter.awaitReady(READY);
		Map<Integer, String> arbiterFds = descriptors(this.arbiter.pid());
		assertThat(arbiterFds).containsValue(canary.toString());
		assertThat(arbiterFds.values()).anyMatch((target) -> target.startsWith("socket:["));

		Map<Integer, String> childFds = descriptors(this.arbiter.workers("ticks").get(1));

		assertThat(childFds.get(0)).isEqualTo("/dev/null");
		assertThat(childFds.get(1)).startsWith("pipe:[");
		assertThat(childFds.get(2)).startsWith("pipe:[");
		childFds.forEach((fd, target) -> {
			if (fd > 2) {
				assertThat(target).as("fd %d", fd).isNotEqualTo(canary.toString());
				if (target.startsWith("socket:[") || target.startsWith("pipe:[")) {
					assertThat(arbiterFds).as("fd %d (%s) inherited from the arbiter", fd, target)
						.doesNotContainValue(target);
				}
			}
		});
	}

	private static Map<Integer, String> descriptors(long pid) throws IOException {
		Map<Integer, String> descriptors = new TreeMap<>();
		try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			for (Path fd : fds.toList()) {
				try {
					descriptors.put(Integer.parseInt(fd.getFileName().toString()),
							Files.readSymbolicLink(fd).toString());
				}
				catch (IOException ex) {
					// Closed while we looked.
				}
			}
		}
		return descriptors;
	}

	private static ArbiterProcess start(List<String> pools, List<String> more) {
		List<String> arguments = new ArrayList<>(pools);
		arguments.addAll(more);
		return TestApplication.launch(arguments);
	}

}
