package io.pistil.arbiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.ArbiterFailed;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerSpawning;
import io.pistil.arbiter.FakeProcesses.FakeProcess;
import io.pistil.process.ExitStatus;
import io.pistil.process.UnixSignal;

import static io.pistil.arbiter.ArbiterHarness.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Nothing the arbiter meets freezes it, kills it or makes it drop its workers: failures
 * of user code (customizers, listeners), of spawns, of reaping, an error of the JVM on
 * the loop, a loop too busy to answer, a listener that stops the arbiter.
 */
class FailSafetyTests {

	private static final RestartPolicy TWICE = new RestartPolicy(RestartType.PERMANENT, 2, Duration.ofMinutes(1),
			Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(30));

	@TempDir
	Path temporary;

	@Test
	void aCustomizerThatFailsWhileTheArbiterStartsFailsTheStartAndLeavesNothing() throws Exception {
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).build()),
				(options) -> options.withCustomizers(List.of((launch) -> {
					if (launch.number() == 2) {
						throw new IllegalArgumentException("no port left for " + launch.pool());
					}
				})));
		harness.arbiter.begin();

		Throwable failure = catchThrowable(harness.arbiter::awaitReady);

		assertThat(failure).isInstanceOf(WorkerLaunchException.class)
			.hasMessage("Cannot launch worker a.2: no port left for a");
		assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.STOPPED);
		assertThat(harness.processes.spawned()).allSatisfy((process) -> assertThat(process.reaped()).isTrue());
		assertThat(harness.runDirectoryRemoved()).isTrue();
	}

	@Test
	void aLaunchThatFailsLaterIsAFailedRestartOfItsPoolAndTheOtherPoolsCarryOn() {
		AtomicBoolean failing = new AtomicBoolean();
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 1).restart(TWICE).build(), pool("b", 1).build()),
				(options) -> options.withCustomizers(List.of((launch) -> {
					if (failing.get() && launch.pool().equals("a")) {
						throw new NoClassDefFoundError("com/example/Missing");
					}
				})))
			.started()) {
			failing.set(true);

			harness.arbiter.increment("a");
			harness.arbiter.increment("b");

			assertThat(harness.alive("a")).hasSize(1);
			assertThat(harness.alive("b")).hasSize(2);
			assertThat(harness.pool("a").restarts()).isOne();
			harness.advance(Duration.ofSeconds(1));
			harness.advance(Duration.ofSeconds(2));
			assertThat(harness.pool("a").state()).as("past its restart intensity").isEqualTo(PoolState.FAILED);
			assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.RUNNING);
			assertThat(harness.pool("b").state()).isEqualTo(PoolState.RUNNING);
		}
	}

	@Test
	void aSpawnThatFailsLaterIsRetriedAfterTheBackoff() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build())).started()) {
			harness.processes.failSpawns(1);
			harness.arbiter.increment("a");
			assertThat(harness.alive("a")).hasSize(1);

			harness.advance(Duration.ofSeconds(1));

			assertThat(harness.alive("a")).hasSize(2);
		}
	}

	@Test
	void aListenerThatFailsEvenWithAnErrorStopsNothing() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build()),
				(options) -> options.withListener((event) -> {
					if (event instanceof WorkerSpawning) {
						throw new NoClassDefFoundError("com/example/Listener");
					}
				}))
			.started()) {
			harness.arbiter.increment("a");

			assertThat(harness.alive("a")).hasSize(2);
			assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.RUNNING);
		}
	}

	@Test
	void anErrorOfTheJvmOnTheLoopStopsAndReapsEveryWorkerBeforeTheArbiterEnds() throws Exception {
		AtomicBoolean armed = new AtomicBoolean();
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).build()),
				(options) -> options.withListener((event) -> {
					if (armed.get() && event instanceof WorkerReady) {
						throw new OutOfMemoryError("Java heap space (simulated)");
					}
				}))
			.started();
		harness.arbiter.increment("a");
		armed.set(true);

		harness.alive("a").get(2).ready();

		ArbiterHarness.awaitTrue("the arbiter to fail", () -> !harness.events(ArbiterFailed.class).isEmpty());
		assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.FAILED);
		assertThat(harness.processes.spawned()).hasSize(3).allSatisfy((worker) -> {
			assertThat(worker.signals).contains(UnixSignal.TERM);
			assertThat(worker.groupSignals).contains(UnixSignal.KILL);
			assertThat(worker.reaped()).isTrue();
		});
		assertThat(harness.events(ArbiterFailed.class)).singleElement()
			.satisfies((failed) -> assertThat(failed.failure()).isInstanceOf(OutOfMemoryError.class));
		assertThat(harness.runDirectoryRemoved()).isTrue();
		assertThat(harness.arbiter.snapshot().state()).isEqualTo(ArbiterState.FAILED);
		assertThatIllegalStateException().isThrownBy(() -> harness.arbiter.increment("a"))
			.withMessage("The arbiter is not running");
		harness.arbiter.stop();
	}

	@Test
	void aWorkerReapedElsewhereEndsWithAnUnknownStatusIsRestartedAndTheStopCompletes() {
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build())).started();
		harness.processes.reapedElsewhere();
		FakeProcess lost = harness.alive("a").get(0);

		lost.killed(UnixSignal.KILL);
		harness.tick();

		assertThat(harness.events(WorkerExited.class)).singleElement().satisfies((exited) -> {
			assertThat(exited.status()).isEqualTo(ExitStatus.UNKNOWN);
			assertThat(exited.cause()).isEqualTo(ExitCause.CRASH);
		});
		assertThat(harness.alive("a")).hasSize(1).doesNotContain(lost);
		harness.arbiter.stop();
		assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.STOPPED);
	}

	@Test
	void aReapedWorkerIsNeverSignalledAgainAndAKillReachesItsProcessGroup() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 3).timeout(Duration.ofSeconds(5)).build()))
			.started()) {
			List<FakeProcess> workers = harness.alive("a");
			workers.get(0).exit(1);
			workers.get(1).killed(UnixSignal.KILL);
			harness.arbiter.decrement("a");
			harness.readyAll();
			harness.advance(Duration.ofSeconds(6));
			harness.advance(Duration.ofSeconds(3));
			harness.tick();

			assertThat(harness.processes.spawned()).filteredOn(FakeProcess::reaped)
				.allSatisfy((worker) -> assertThat(worker.groupSignals).as("what it started goes with it")
					.contains(UnixSignal.KILL));
			assertThat(harness.processes.signalsAfterReap()).isEmpty();
		}
	}

	@Test
	void aCallWaitsForABusyLoopAtMostItsTimeoutAndNeverAppliesLaterWhileSnapshotsDoNotWait() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocking = new CountDownLatch(1);
		AtomicBoolean armed = new AtomicBoolean();
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build()),
				(options) -> options.withCallTimeout(Duration.ofMillis(300)).withListener((event) -> {
					if (armed.get() && event instanceof WorkerSpawning) {
						blocking.countDown();
						awaitQuietly(release);
					}
				}))
			.started()) {
			armed.set(true);
			Thread busy = new Thread(() -> catchThrowable(() -> harness.arbiter.increment("a")));
			busy.start();
			assertThat(blocking.await(10, TimeUnit.SECONDS)).as("the loop is busy").isTrue();

			long start = System.nanoTime();
			Throwable refused = catchThrowable(() -> harness.arbiter.scale("a", 5));
			long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			long read = System.nanoTime();
			assertThat(harness.arbiter.snapshot().pool("a")).isPresent();
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - read)).as("a read never waits")
				.isLessThan(250);

			assertThat(refused).isInstanceOf(IllegalStateException.class)
				.hasMessage("The arbiter did not answer within 300 ms: its loop is busy");
			assertThat(waited).isBetween(250L, 5000L);
			armed.set(false);
			release.countDown();
			busy.join();
			harness.tick();
			assertThat(harness.pool("a").desired()).as("the timed-out scale never applied").isEqualTo(2);
		}
	}

	@Test
	void aListenerThatStopsTheArbiterDoesNotWaitForItself() {
		AtomicReference<Arbiter> arbiter = new AtomicReference<>();
		AtomicBoolean armed = new AtomicBoolean();
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build()),
				(options) -> options.withListener((event) -> {
					if (armed.get() && event instanceof WorkerReady) {
						arbiter.get().stop();
					}
				}));
		arbiter.set(harness.arbiter);
		harness.started();
		armed.set(true);
		harness.arbiter.increment("a");

		harness.alive("a").get(1).ready();

		ArbiterHarness.awaitTrue("the stop", () -> harness.arbiter.state() == ArbiterState.STOPPED);
		assertThat(harness.processes.spawned()).allSatisfy((worker) -> assertThat(worker.reaped()).isTrue());
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
