package io.pistil.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.ArbiterStopping;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.arbiter.ArbiterEvent.WorkerTimedOut;
import io.pistil.contract.ExitCodes;
import io.pistil.it.EventLog.Event;
import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static io.pistil.it.EventLog.event;
import static io.pistil.it.EventLog.fact;
import static io.pistil.it.EventLog.indexOf;
import static io.pistil.it.EventLog.lastIndexOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only real processes show of a flat arbiter: a {@code kill -9} noticed and
 * repaired, a hung JVM's thread dump, a graceful stop that lets a step finish, children's
 * contexts reading the application's configuration, a real boot failure's message, and
 * the descriptors a child inherits.
 */
class SupervisionIT extends ArbiterTestSupport {

	@Test
	void killedWorkerIsReplacedAtOnceUnderItsNumber() {
		this.arbiter = TestApplication.launch(pool("ticks", TickWorker.class, 3));
		this.arbiter.awaitReady(READY);
		Map<Integer, Long> before = this.arbiter.workers("ticks");
		assertThat(before).hasSize(3);
		long victim = before.get(2);

		ArbiterProcess.signal(victim, UnixSignal.KILL);

		Event exit = this.arbiter.awaitEvent("the killed worker's exit", Duration.ofSeconds(5),
				event(WorkerExited.class, victim));
		assertThat(exit.exitSignal()).isEqualTo(9);
		assertThat(exit.cause()).isEqualTo("KILLED");
		long replacement = this.arbiter
			.awaitEvent("a replacement spawned", Duration.ofSeconds(5),
					(event) -> event.is(WorkerStarted.class) && !before.containsValue(event.pid()))
			.pid();
		this.arbiter.awaitEvent("the replacement ready", READY, event(WorkerReady.class, replacement));
		assertThat(this.arbiter.workers("ticks")).containsExactly(Map.entry(1, before.get(1)),
				Map.entry(2, replacement), Map.entry(3, before.get(3)));
	}

	/**
	 * The thread dump is output, and its point: it reaches the arbiter's output with the
	 * hung worker's prefix, and shows where the worker hangs.
	 */
	@Test
	void hungWorkerPrintsItsThreadDumpThenIsKilledAndReplaced() {
		List<String> arguments = new ArrayList<>(pool("stuck", HangingWorker.class, 1));
		arguments.add("--pistil.workers.stuck.timeout=2s");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		long hung = this.arbiter.workers("stuck").get(1);
		String prefix = "[stuck.1 pid " + hung + "] ";

		Event timedOut = this.arbiter.awaitEvent("the timeout", Duration.ofSeconds(20),
				event(WorkerTimedOut.class, hung));

		assertThat(timedOut.longValue("silence")).isGreaterThanOrEqualTo(2000);
		this.arbiter.awaitLine((line) -> line.startsWith(prefix + "Full thread dump"), Duration.ofSeconds(10));
		this.arbiter.awaitLine(
				(line) -> line.startsWith(prefix) && line.contains("at io.pistil.it.HangingWorker.handle"),
				Duration.ofSeconds(10));
		Event exit = this.arbiter.awaitEvent("the hung worker's exit", Duration.ofSeconds(10),
				event(WorkerExited.class, hung));
		assertThat(exit.exitSignal()).isEqualTo(9);
		assertThat(exit.cause()).isEqualTo("TIMEOUT");
		this.arbiter.awaitEvent("a replacement", Duration.ofSeconds(10),
				(event) -> event.is(WorkerStarted.class) && event.number() == 1 && event.pid() != hung);
	}

	@Test
	void sigtermStopsEveryWorkerAfterItsCurrentStepAndExitsWithZero() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.addAll(pool("slow", SlowStepWorker.class, 1));
		arguments.add("--pistil.graceful-timeout=5s");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		long slow = this.arbiter.workers("slow").get(1);
		Collection<Long> workers = new ArrayList<>(this.arbiter.workers("ticks").values());
		workers.add(slow);
		int stepsBefore = (int) this.arbiter.events().stream().filter(fact("StepStarted", slow)).count();
		this.arbiter.await("a step begun", Duration.ofSeconds(10),
				() -> this.arbiter.events().stream().filter(fact("StepStarted", slow)).count() > stepsBefore);

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(5 + 2))).isZero();
		List<Event> events = this.arbiter.events();
		int stopping = indexOf(events, event(ArbiterStopping.class));
		int exit = indexOf(events, event(WorkerExited.class, slow));
		assertThat(lastIndexOf(events, fact("StepStarted", slow))).as("a step in progress at the TERM")
			.isLessThan(stopping);
		assertThat(lastIndexOf(events, fact("StepFinished", slow))).as("finished before the worker exited")
			.isBetween(stopping, exit);
		assertThat(events.get(exit).exitCode()).isZero();
		assertThat(events.stream().filter(event(WorkerExited.class)).map(Event::pid))
			.containsExactlyInAnyOrderElementsOf(workers);
		assertThat(workers).noneMatch((pid) -> ProcessHandle.of(pid).isPresent());
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void slimAndFullChildrenReadTheApplicationsConfigurationAndProfiles() {
		List<String> arguments = new ArrayList<>(pool("slim", EnvironmentWorker.class, 1));
		arguments.addAll(pool("full", EnvironmentWorker.class, 1));
		arguments.addAll(List.of("--pistil.workers.full.context=full", "--pistil.workers.slim.args.colour=blue",
				"--spring.profiles.active=itprofile"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);

		Event slim = this.arbiter.awaitEvent("the slim worker's report", READY,
				fact("Environment", this.arbiter.workers("slim").get(1)));
		Event full = this.arbiter.awaitEvent("the full worker's report", READY,
				fact("Environment", this.arbiter.workers("full").get(1)));

		assertThat(slim.string("greeting")).isEqualTo("hello from the itprofile profile");
		assertThat(slim.json().read("$.args", Map.class)).isEqualTo(Map.of("colour", "blue"));
		assertThat(full.string("greeting")).isEqualTo("hello from the itprofile profile");
		assertThat(full.longValue("beans")).isGreaterThan(slim.longValue("beans") + 20);
	}

	/**
	 * The failure message is the feature: the worker's own exception reaches the
	 * arbiter's failure report (its own lines, not only the worker's prefixed ones).
	 */
	@Test
	void workerWhoseContextCannotStartFailsTheApplicationStartWithItsException() throws InterruptedException {
		this.arbiter = TestApplication.launch(pool("broken", BrokenWorker.class, 2));

		assertThat(this.arbiter.awaitExit(READY)).isNotZero();
		assertThat(this.arbiter.lines()).filteredOn((line) -> !line.startsWith("["))
			.anyMatch((line) -> line.contains("java.lang.IllegalStateException: database unreachable at startup"));
		assertThat(this.arbiter.spawnedPids()).hasSize(2);
		assertThat(this.arbiter.events(WorkerExited.class)).anySatisfy((exit) -> {
			assertThat(exit.exitCode()).isEqualTo(ExitCodes.BOOT_ERROR);
			assertThat(exit.cause()).isEqualTo("BOOT_FAILURE");
		});
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void childHoldsNoDescriptorOfTheArbiterBeyondItsStandardStreams(@TempDir Path directory) {
		Path canary = directory.resolve("canary");
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 1));
		arguments.add("--test.canary-file=" + canary);
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		Map<Integer, String> arbiterFds = Procfs.descriptors(this.arbiter.pid());
		assertThat(arbiterFds).containsValue(canary.toString());
		assertThat(arbiterFds.values()).anyMatch((target) -> target.startsWith("socket:["));

		Map<Integer, String> childFds = Procfs.descriptors(this.arbiter.workers("ticks").get(1));

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

}
