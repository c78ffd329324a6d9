package io.pistil.arbiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.PoolFailed;
import io.pistil.arbiter.ArbiterEvent.PoolResized;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.FakeProcesses.FakeProcess;
import io.pistil.process.UnixSignal;

import static io.pistil.arbiter.ArbiterHarness.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What follows a worker's end: the restart types, the backoff, the restart intensity, the
 * strategies, and the start that fails instead of looping.
 */
class SupervisorTests {

	private static final RestartPolicy THREE_A_MINUTE = new RestartPolicy(RestartType.PERMANENT, 3,
			Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(30));

	@TempDir
	Path temporary;

	private ArbiterHarness harness(Strategy strategy, WorkerSpec... specs) {
		return new ArbiterHarness(this.temporary, List.of(specs), (options) -> options.withStrategy(strategy))
			.started();
	}

	@Test
	void aCrashedWorkerIsRestartedAtOnceThenWithAGrowingBackoff() {
		try (ArbiterHarness harness = harness(Strategy.ONE_FOR_ONE, pool("a", 1).restart(THREE_A_MINUTE).build())) {
			harness.alive("a").get(0).exit(1);
			harness.tick();
			assertThat(harness.alive("a")).as("the first restart is immediate").hasSize(1);
			FakeProcess second = harness.alive("a").get(0);
			assertThat(second.number()).isOne();
			second.ready();
			harness.tick();

			second.killed(UnixSignal.KILL);
			harness.tick();
			assertThat(harness.alive("a")).as("within the backoff").isEmpty();
			harness.advance(Duration.ofMillis(400));
			assertThat(harness.alive("a")).as("at least half of backoff-min").isEmpty();
			harness.advance(Duration.ofMillis(600));
			assertThat(harness.alive("a")).as("at most backoff-min").hasSize(1);

			assertThat(harness.events(WorkerExited.class)).extracting(WorkerExited::cause)
				.containsExactly(ExitCause.CRASH, ExitCause.KILLED);
			assertThat(harness.pool("a").restarts()).isEqualTo(2);
		}
	}

	@Test
	void aWorkerThatRanLongerThanBackoffResetRestartsAtOnce() {
		try (ArbiterHarness harness = harness(Strategy.ONE_FOR_ONE, pool("a", 1).restart(THREE_A_MINUTE).build())) {
			harness.alive("a").get(0).exit(1);
			harness.tick();
			harness.readyAll();
			harness.advance(Duration.ofSeconds(31));

			harness.alive("a").get(0).beat().exit(1);
			harness.tick();

			assertThat(harness.alive("a")).hasSize(1);
		}
	}

	@Test
	void pastItsRestartIntensityAPoolGivesUpUntilItIsScaled() {
		try (ArbiterHarness harness = harness(Strategy.ONE_FOR_ONE, pool("a", 2).restart(THREE_A_MINUTE).build(),
				pool("b", 1).build())) {
			for (int crash = 0; crash < 4; crash++) {
				harness.readyAll();
				harness.beatAll();
				harness.advance(Duration.ofSeconds(10));
				harness.alive("a").get(0).exit(1);
				harness.tick();
			}

			assertThat(harness.pool("a").state()).isEqualTo(PoolState.FAILED);
			assertThat(harness.events(PoolFailed.class)).singleElement().satisfies((failed) -> {
				assertThat(failed.pool()).isEqualTo("a");
				assertThat(failed.restarts()).isEqualTo(4);
			});
			harness.tick();
			assertThat(harness.alive("a")).as("its other worker stopped too").isEmpty();
			harness.beatAll();
			harness.advance(Duration.ofSeconds(20));
			assertThat(harness.alive("a")).isEmpty();
			assertThat(harness.pool("b").state()).as("the other pools carry on").isEqualTo(PoolState.RUNNING);

			harness.arbiter.increment("a");

			assertThat(harness.pool("a").state()).as("a scale brings it back").isEqualTo(PoolState.RUNNING);
			assertThat(harness.alive("a")).hasSize(3);
		}
	}

	@Test
	void transientWorkersThatEndWellAndTemporaryOnesAreNotRestarted() {
		RestartPolicy transientPolicy = new RestartPolicy(RestartType.TRANSIENT, 10, Duration.ofMinutes(1),
				Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
		RestartPolicy temporaryPolicy = new RestartPolicy(RestartType.TEMPORARY, 10, Duration.ofMinutes(1),
				Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
		try (ArbiterHarness harness = harness(Strategy.ONE_FOR_ONE, pool("t", 2).restart(transientPolicy).build(),
				pool("tmp", 1).restart(temporaryPolicy).build())) {
			List<FakeProcess> transients = harness.alive("t");
			transients.get(0).exit(0);
			transients.get(1).exit(2);
			harness.alive("tmp").get(0).exit(1);
			harness.tick();

			assertThat(harness.pool("t").desired()).isOne();
			assertThat(harness.alive("t")).as("the crashed one only").hasSize(1);
			assertThat(harness.pool("tmp").desired()).isZero();
			assertThat(harness.alive("tmp")).isEmpty();
			assertThat(harness.events(PoolResized.class)).extracting(PoolResized::pool).containsExactly("t", "tmp");
		}
	}

	@Test
	void oneForAllRestartsEveryWorkerOfEveryPool() {
		try (ArbiterHarness harness = harness(Strategy.ONE_FOR_ALL, pool("a", 2).build(), pool("b", 1).build())) {
			List<FakeProcess> before = harness.processes.spawned();

			before.get(0).exit(1);
			harness.tick();
			harness.tick();

			assertThat(before).allSatisfy((worker) -> assertThat(worker.reaped()).isTrue());
			assertThat(before.subList(1, 3))
				.allSatisfy((sibling) -> assertThat(sibling.signals).contains(UnixSignal.TERM));
			assertThat(harness.alive("a")).hasSize(2);
			assertThat(harness.alive("b")).hasSize(1);
		}
	}

	@Test
	void restForOneRestartsThePoolsDeclaredAfterTheWorkersPool() {
		try (ArbiterHarness harness = harness(Strategy.REST_FOR_ONE, pool("a", 1).build(), pool("b", 2).build(),
				pool("c", 1).build())) {
			FakeProcess a = harness.alive("a").get(0);
			List<FakeProcess> b = harness.alive("b");
			FakeProcess c = harness.alive("c").get(0);

			b.get(0).exit(1);
			harness.tick();

			assertThat(a.signals).as("declared before").isEmpty();
			assertThat(b.get(1).signals).as("its own pool's others").isEmpty();
			assertThat(c.signals).containsExactly(UnixSignal.TERM);
			harness.tick();
			assertThat(harness.alive("c")).hasSize(1).doesNotContain(c);
		}
	}

	@Test
	void aWorkerThatFailsToBootWhileTheArbiterStartsFailsTheStartWithItsOwnError() throws Exception {
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).build()));
		harness.arbiter.begin();
		ArbiterHarness.awaitTrue("two spawns", () -> harness.alive("a").size() == 2);
		FakeProcess sibling = harness.alive("a").get(1);

		harness.alive("a").get(0).bootError("java.lang.IllegalStateException: no database\n\tat Db.open").exit(3);

		Throwable failure = org.assertj.core.api.Assertions.catchThrowable(harness.arbiter::awaitReady);
		assertThat(failure).isInstanceOf(WorkerBootException.class)
			.hasMessageContaining("a.1")
			.hasMessageContaining("exited with code 3")
			.hasMessageContaining("no database");
		assertThat(sibling.signals).containsExactly(UnixSignal.TERM);
		assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.STOPPED);
		assertThat(harness.processes.spawned()).as("not restarted in a loop").hasSize(2);
		assertThat(harness.runDirectoryRemoved()).isTrue();
	}

	@Test
	void aWorkerThatFailsToBootLaterIsRestartedAfterABackoff() {
		try (ArbiterHarness harness = harness(Strategy.ONE_FOR_ONE, pool("a", 1).restart(THREE_A_MINUTE).build())) {
			harness.arbiter.increment("a");
			harness.alive("a").get(1).exit(3);
			harness.tick();

			assertThat(harness.alive("a")).as("never at once after a boot failure").hasSize(1);
			harness.advance(Duration.ofSeconds(1));
			assertThat(harness.alive("a")).hasSize(2);
			assertThat(harness.events(WorkerExited.class)).extracting(WorkerExited::cause)
				.containsExactly(ExitCause.BOOT_FAILURE);
		}
	}

}
