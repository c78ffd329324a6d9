package io.pistil.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.pistil.arbiter.ArbiterEvent.PoolResized;
import io.pistil.arbiter.ArbiterEvent.Reloading;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.it.EventLog.Event;
import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static io.pistil.it.EventLog.event;
import static io.pistil.it.EventLog.fact;
import static io.pistil.it.EventLog.indexOf;
import static io.pistil.it.EventLog.lastIndexOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * gunicorn's signals end to end, sent with kill(2) to an arbiter running real workers:
 * TTIN, TTOU, HUP (a rolling reload that never drops below the desired count), TERM while
 * a reload boots new JVMs, a burst the kernel may merge, WINCH, INT, USR1, and every hook
 * in order. The decisions behind them (which worker a TTOU retires, a HUP during a
 * reload) are the arbiter's unit tests'.
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

		long added = this.arbiter
			.awaitEvent("a third worker", READY, (event) -> event.is(WorkerStarted.class) && event.number() == 3)
			.pid();
		assertThat(before).doesNotContainValue(added);
		this.arbiter.awaitEvent("the third worker ready", READY, event(WorkerReady.class, added));
		long oldest = before.get(1);

		this.arbiter.signal(UnixSignal.TTOU);

		Event exit = this.arbiter.awaitEvent("the oldest worker's exit", Duration.ofSeconds(10),
				event(WorkerExited.class, oldest));
		assertThat(exit.exitCode()).isZero();
		assertThat(exit.cause()).isEqualTo("REQUESTED");
		List<Event> events = this.arbiter.events();
		int resized = indexOf(events, (event) -> event.is(PoolResized.class) && event.longValue("newCount") == 2);
		assertThat(resized).as("the TTOU's resize").isPositive();
		assertThat(lastIndexOf(events, fact("StepStarted", oldest))).as("its last step began before the TTOU")
			.isLessThan(resized);
		assertThat(lastIndexOf(events, fact("StepFinished", oldest))).as("and ended after it, before its exit")
			.isBetween(resized, exit.index());
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
			Event reloading = this.arbiter.awaitEvent(Reloading.class, READY);
			assertThat(reloading.json().read("$.pools", List.class)).containsExactly("ticks");
			this.arbiter.await("every old worker's exit", READY,
					() -> this.arbiter.events(WorkerExited.class)
						.stream()
						.map(Event::pid)
						.toList()
						.containsAll(before));
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
	void termWhileAReloadBootsNewWorkersStopsEverythingWithExitCodeZero() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.add("--pistil.graceful-timeout=5s");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);

		Collection<Long> before = this.arbiter.workers("ticks").values();

		this.arbiter.signal(UnixSignal.HUP);
		this.arbiter.awaitEvent(Reloading.class, READY);
		long booting = this.arbiter
			.awaitEvent("a worker of the new generation spawned", READY,
					(event) -> event.is(WorkerStarted.class) && !before.contains(event.pid()))
			.pid();
		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(5 + 5))).isZero();
		assertThat(this.arbiter.events(WorkerExited.class)).extracting(Event::pid).contains(booting);
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	/**
	 * The kernel merges identical signals that arrive before the JVM takes the first, so
	 * a burst counts as at least one TTIN and at most fifty: every one the arbiter
	 * receives must be applied, one worker each, up to max-workers, and the pool must end
	 * with exactly that many workers, all ready.
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

		this.arbiter.awaitEvent(PoolResized.class, READY);
		Awaitility.await("a settled pool: as many live and ready workers as it wants")
			.during(Duration.ofSeconds(2))
			.atMost(READY)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				int desired = desired();
				return this.arbiter.workers("ticks").size() == desired && this.arbiter.readyInScoreboard() == desired
						&& this.arbiter.events(WorkerReady.class).size() == desired;
			});
		List<Event> resizes = this.arbiter.events(PoolResized.class);
		assertThat(resizes).as("one worker more per TTIN applied").allSatisfy((resize) -> {
			assertThat(resize.longValue("newCount")).isEqualTo(resize.longValue("oldCount") + 1);
		});
		assertThat(resizes).extracting((resize) -> resize.longValue("oldCount"))
			.containsExactlyElementsOf(IntStream.range(2, 2 + resizes.size()).mapToObj(Long::valueOf).toList());
		int workers = desired();
		assertThat(workers).isBetween(3, 5);
		assertThat(this.arbiter.spawnedPids()).hasSize(workers);
		assertThat(this.arbiter.workers("ticks").keySet())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, workers).boxed().toList());
	}

	private int desired() {
		List<Event> resizes = this.arbiter.events(PoolResized.class);
		return resizes.isEmpty() ? 2 : (int) resizes.get(resizes.size() - 1).longValue("newCount");
	}

	/**
	 * Started in a session of its own, the arbiter has no controlling terminal, wherever
	 * the build runs: WINCH is then gunicorn's "stop every worker".
	 */
	@Test
	void winchWithoutATerminalStopsEveryWorkerAndKeepsTheArbiterRunning() {
		List<String> arguments = new ArrayList<>(pool("ticks", TickWorker.class, 2));
		arguments.add("--spring.main.banner-mode=off");
		this.arbiter = ArbiterProcess.startUnder(List.of("setsid"), TestApplication.class,
				arguments.toArray(String[]::new));
		this.arbiter.awaitReady(READY);
		assertThat(Procfs.controllingTerminal(this.arbiter.pid())).as("tty_nr").isZero();

		this.arbiter.signal(UnixSignal.WINCH);

		Event resize = this.arbiter.awaitEvent(PoolResized.class, Duration.ofSeconds(10));
		assertThat(resize.longValue("oldCount")).isEqualTo(2);
		assertThat(resize.longValue("newCount")).isZero();
		this.arbiter.await("no worker", Duration.ofSeconds(10), () -> this.arbiter.workers("ticks").isEmpty());
		assertThat(this.arbiter.isAlive()).isTrue();
		this.arbiter.signal(UnixSignal.TTIN);
		this.arbiter.await("one worker back", READY, () -> this.arbiter.workers("ticks").size() == 1);
	}

	@Test
	void sigintStopsWithinASecondEvenAWorkerInALongStep() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("slow", SlowStepWorker.class, 1));
		arguments.addAll(List.of("--pistil.workers.slow.args.step-millis=60000", "--pistil.graceful-timeout=30s"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		long slow = this.arbiter.workers("slow").get(1);
		this.arbiter.awaitEvent("a step begun", READY, fact("StepStarted", slow));

		this.arbiter.signal(UnixSignal.INT);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(1 + 4))).isZero();
		assertThat(this.arbiter.events(WorkerExited.class)).singleElement().satisfies((exit) -> {
			assertThat(exit.pid()).isEqualTo(slow);
			assertThat(exit.exitSignal()).as("killed after the quick stop's second").isEqualTo(9);
		});
		assertThat(this.arbiter.events()).noneMatch(fact("StepFinished", slow));
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	/**
	 * USR1's report is output: it names each pool with its state and each worker with its
	 * pid and state, as the README says.
	 */
	@Test
	void usr1ReportsEveryPoolAndWorker() {
		this.arbiter = TestApplication.launch(pool("ticks", TickWorker.class, 2));
		this.arbiter.awaitReady(READY);
		Map<Integer, Long> workers = this.arbiter.workers("ticks");
		int before = this.arbiter.lines().size();

		this.arbiter.signal(UnixSignal.USR1);

		this.arbiter.await("a report of the pool and both workers", Duration.ofSeconds(10), () -> {
			// Lines after the signal, but for the workers' own, which carry their prefix.
			List<String> report = this.arbiter.lines()
				.stream()
				.skip(before)
				.filter((line) -> !line.startsWith("["))
				.toList();
			return report.stream().anyMatch((line) -> line.contains("ticks") && line.contains("RUNNING"))
					&& workers.values()
						.stream()
						.allMatch((pid) -> report.stream()
							.anyMatch((line) -> line.matches(".*\\b" + pid + "\\b.*")
									&& (line.contains("idle") || line.contains("busy"))));
		});
	}

	@Test
	void everyHookFiresOnceAndInOrderAndAFailingListenerStopsNothing() throws InterruptedException {
		List<String> arguments = new ArrayList<>(pool("hooks", EventsWorker.class, 2));
		arguments.add("--test.hooks=true");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		this.arbiter.signal(UnixSignal.TTIN);
		long third = this.arbiter
			.awaitEvent("a third worker ready", READY, (event) -> event.is(WorkerReady.class) && event.number() == 3)
			.pid();
		this.arbiter.awaitEvent("the third worker's first step", READY, fact("Customized", third));

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(40))).isZero();
		List<Event> events = this.arbiter.events();
		assertThat(events.stream().filter(Event::arbiterEvent).map(Event::type)).containsExactly("ArbiterStarting",
				"WorkerSpawning", "WorkerStarted", "WorkerSpawning", "WorkerStarted", "WorkerReady", "WorkerReady",
				"ArbiterReady", "PoolResized", "WorkerSpawning", "WorkerStarted", "WorkerReady", "ArbiterStopping",
				"WorkerExited", "WorkerExited", "WorkerExited", "ArbiterStopped");
		for (Event started : this.arbiter.events(WorkerStarted.class)) {
			assertThat(events.stream().filter(fact("ChildEvent", started.pid())).map((event) -> event.string("event")))
				.as("the child events of worker %d", started.number())
				.containsExactly("Started", "Ready", "Interrupted", "Exiting");
			assertThat(events.stream().filter(fact("Customized", started.pid())).map((event) -> event.string("value")))
				.as("its launch customized")
				.isNotEmpty()
				.containsOnly("hooks." + started.number());
		}
	}

}
