package io.pistil.arbiter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.ArbiterReady;
import io.pistil.arbiter.ArbiterEvent.ArbiterStarting;
import io.pistil.arbiter.ArbiterEvent.ArbiterStopped;
import io.pistil.arbiter.FakeProcesses.FakeProcess;
import io.pistil.contract.ChildArguments;
import io.pistil.process.UnixSignal;

import static io.pistil.arbiter.ArbiterHarness.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The arbiter's start, its operations and its stop, over a fake process layer.
 */
class ArbiterTests {

	@TempDir
	Path temporary;

	@Test
	void startSpawnsEveryPoolAndIsReadyOnceEveryWorkerIs() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 2).build(), pool("b", 1).build()))) {
			harness.arbiter.begin();
			ArbiterHarness.awaitTrue("three spawns", () -> harness.processes.spawned().size() == 3);
			harness.tick();
			assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.STARTING);
			assertThat(harness.pool("a").workers()).extracting(Snapshots.WorkerSnapshot::state)
				.containsOnly(WorkerState.BOOTING);

			harness.readyAll();
			harness.tick();

			assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.RUNNING);
			assertThat(harness.pool("a").ready()).isEqualTo(2);
			assertThat(harness.pool("a").workers()).extracting(Snapshots.WorkerSnapshot::state)
				.containsOnly(WorkerState.IDLE);
			assertThat(harness.events(ArbiterStarting.class)).singleElement()
				.satisfies((starting) -> assertThat(starting.pools()).containsExactly("a", "b"));
			assertThat(harness.events(ArbiterReady.class)).hasSize(1);
			assertThat(harness.processes.spawned()).allSatisfy((process) -> {
				assertThat(process.mainClassIs(ChildArguments.WORKER_MAIN_CLASS)).isTrue();
				assertThat(process.request.arguments()).contains("-Dpistil.worker=" + process.arguments.workerName());
			});
		}
	}

	@Test
	void stopTerminatesEveryWorkerWaitsForThemAndRemovesTheRunDirectory() throws Exception {
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).build())).started();
		assertThat(harness.runDirectoryRemoved()).isFalse();

		harness.arbiter.stop();

		assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.STOPPED);
		assertThat(harness.processes.spawned()).allSatisfy((process) -> {
			assertThat(process.signals).containsExactly(UnixSignal.TERM);
			assertThat(process.reaped()).isTrue();
		});
		assertThat(harness.events(ArbiterStopped.class)).hasSize(1);
		assertThat(harness.runDirectoryRemoved()).isTrue();
		assertThat(harness.processes.signalsAfterReap()).isEmpty();
	}

	@Test
	void scalingOutOfBoundsOrAnUnknownPoolIsRefusedAndChangesNothing() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("idle", 0).maxWorkers(2).build()))
			.started()) {
			assertThatIllegalArgumentException().isThrownBy(() -> harness.arbiter.scale("idle", 3))
				.withMessage("Pool 'idle' takes between 0 and 2 workers, not 3");
			assertThatIllegalArgumentException().isThrownBy(() -> harness.arbiter.scale("idle", -1));
			assertThatExceptionOfType(NoSuchPoolException.class).isThrownBy(() -> harness.arbiter.increment("nope"))
				.withMessage("No pool named 'nope'");
			assertThat(harness.arbiter.decrement("idle").desired()).as("already at min-workers").isZero();
			assertThatIllegalArgumentException().isThrownBy(() -> harness.arbiter.replace(1))
				.withMessage("No worker has pid 1");

			Snapshots.PoolSnapshot pool = harness.pool("idle");
			assertThat(pool.desired()).isZero();
			assertThat(pool.maxWorkers()).isEqualTo(2);
			assertThat(pool.workers()).isEmpty();
			assertThat(harness.processes.spawned()).isEmpty();
		}
	}

	@Test
	void scalingSpawnsOrRetiresTheOldestAndTtinStopsAtMaxWorkers() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).maxWorkers(3).build()))
			.started()) {
			FakeProcess oldest = harness.alive("a").get(0);

			assertThat(harness.arbiter.increment("a").desired()).isEqualTo(3);
			assertThat(harness.arbiter.increment("a").desired()).as("max-workers").isEqualTo(3);
			assertThat(harness.alive("a")).hasSize(3);
			harness.readyAll();

			harness.arbiter.scale("a", 1);
			harness.tick();

			assertThat(harness.alive("a")).hasSize(1).doesNotContain(oldest);
			assertThat(oldest.signals).containsExactly(UnixSignal.TERM);
			assertThat(harness.pool("a").desired()).isOne();
		}
	}

	@Test
	void aWorkerReplacedByPidStopsOnceItsReplacementIsReady() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).build())).started()) {
			FakeProcess replaced = harness.alive("a").get(0);

			harness.arbiter.replace(replaced.pid);

			FakeProcess replacement = harness.alive("a").get(2);
			assertThat(replacement.number()).as("the number it replaces").isEqualTo(replaced.number());
			assertThat(harness.pool("a").running()).as("the replacement counts while it boots").isEqualTo(3);
			assertThat(replaced.signals).isEmpty();
			assertThatExceptionOfType(CommandRefusedException.class)
				.isThrownBy(() -> harness.arbiter.replace(replaced.pid))
				.withMessageContaining("already stopping");

			replacement.ready();
			harness.tick();
			harness.tick();

			assertThat(replaced.reaped()).isTrue();
			assertThat(harness.events(ArbiterEvent.WorkerExited.class)).singleElement()
				.satisfies((exited) -> assertThat(exited.cause()).isEqualTo(ExitCause.REQUESTED));
			assertThat(harness.alive("a")).hasSize(2);
		}
	}

	@Test
	void callsBeforeTheStartOrAfterTheStopAreRefused() {
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build()));
		assertThatExceptionOfType(CommandRefusedException.class).isThrownBy(() -> harness.arbiter.scale("a", 1))
			.withMessage("The arbiter is not running");
		assertThat(harness.arbiter.poolNames()).containsExactly("a");
		assertThat(harness.arbiter.snapshot().state()).isEqualTo(ArbiterState.NEW);
		harness.started();
		harness.arbiter.stop();
		assertThatIllegalStateException().isThrownBy(() -> harness.arbiter.reload())
			.withMessage("The arbiter is not running");
		assertThatIllegalStateException().isThrownBy(harness.arbiter::begin)
			.withMessage("The arbiter has already been started");
	}

	@Test
	void twoPoolsWithOneNameAreRefused() {
		assertThatExceptionOfType(InvalidSpecException.class)
			.isThrownBy(() -> new ArbiterHarness(this.temporary, List.of(pool("a", 1).build(), pool("a", 2).build())))
			.withMessageContaining("two pools have this name");
	}

	@Test
	void poolsThatMayRunMoreWorkersThanTheScoreboardHoldsAreRefused() {
		List<WorkerSpec> fitting = IntStream.rangeClosed(1, 15)
			.mapToObj((pool) -> pool("p" + pool, 1).maxWorkers(64).build())
			.toList();
		new ArbiterHarness(this.temporary, fitting).arbiter.close();

		List<WorkerSpec> tooMany = new ArrayList<>(fitting);
		tooMany.add(pool("last", 1).maxWorkers(64).build());
		assertThatExceptionOfType(InvalidSpecException.class)
			.isThrownBy(() -> new ArbiterHarness(this.temporary, tooMany))
			.withMessage("Invalid value '64' for max-workers of pool 'last': the pools up to this one may run "
					+ "1040 workers at once (max-workers plus reload-surge of each), more than the scoreboard's "
					+ "1024 slots");
	}

}
