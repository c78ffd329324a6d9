package io.pistil.arbiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.PoolFailed;
import io.pistil.arbiter.ArbiterEvent.Reloading;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.FakeProcesses.FakeProcess;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;

import static io.pistil.arbiter.ArbiterHarness.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rolling reloads: the ready count never drops below the desired count, a reload that
 * fails keeps the old workers, reloads asked for during one wait their turn, a pool that
 * gives up ends its reload, and a reload of every pool adds and removes pools.
 */
class RollingReloadTests {

	@TempDir
	Path temporary;

	private final AtomicReference<List<WorkerSpec>> configuration = new AtomicReference<>();

	private ArbiterHarness harness(WorkerSpec... specs) {
		this.configuration.set(List.of(specs));
		return new ArbiterHarness(this.temporary, List.of(specs),
				(options) -> options.withReloadSource(this.configuration::get))
			.started();
	}

	@Test
	void aReloadReplacesEveryWorkerOneAtATimeAndTheReadyCountNeverDropsBelowTheDesiredCount() {
		try (ArbiterHarness harness = harness(pool("a", 3).build())) {
			List<FakeProcess> old = harness.alive("a");

			harness.arbiter.reload();

			for (int step = 0; step < 20 && !harness.pool("a").state().equals(PoolState.RUNNING); step++) {
				PoolSnapshot pool = harness.pool("a");
				assertThat(pool.ready()).as("ready workers during the reload").isGreaterThanOrEqualTo(3);
				assertThat(pool.workers().stream().filter((worker) -> worker.state() == WorkerState.BOOTING))
					.as("reload-surge")
					.hasSizeLessThanOrEqualTo(1);
				harness.readyAll();
				harness.tick();
			}

			assertThat(harness.pool("a").state()).isEqualTo(PoolState.RUNNING);
			assertThat(harness.alive("a")).hasSize(3).doesNotContainAnyElementsOf(old);
			assertThat(harness.pool("a").workers()).extracting(WorkerSnapshot::generation).containsOnly(1L);
			assertThat(old).allSatisfy((worker) -> assertThat(worker.reaped()).isTrue());
			assertThat(harness.events(WorkerExited.class)).extracting(WorkerExited::cause)
				.containsOnly(ExitCause.REQUESTED);
		}
	}

	@Test
	void aNewWorkerThatFailsToBootStopsTheReloadAndTheOldWorkersKeepRunningWithTheirSpec() {
		try (ArbiterHarness harness = harness(pool("a", 2).pause(Duration.ofMillis(100)).build())) {
			List<FakeProcess> old = harness.alive("a");
			this.configuration.set(List.of(pool("a", 2).pause(Duration.ofMillis(5)).build()));

			harness.arbiter.reload();
			FakeProcess fresh = harness.alive("a").get(2);
			fresh.bootError("java.lang.IllegalStateException: no database").exit(3);
			harness.tick();

			assertThat(harness.pool("a").state()).isEqualTo(PoolState.RUNNING);
			assertThat(harness.alive("a")).containsExactlyElementsOf(old);
			assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).isEmpty());
			harness.advance(Duration.ofSeconds(10));
			assertThat(harness.alive("a")).as("no new worker after the failed reload").containsExactlyElementsOf(old);

			harness.arbiter.increment("a");
			FakeProcess added = harness.alive("a").get(2);
			assertThat(added.arguments.pause()).as("the spec before the reload").isEqualTo(Duration.ofMillis(100));
		}
	}

	@Test
	void aReloadAskedForDuringOneWaitsItsTurn() {
		try (ArbiterHarness harness = harness(pool("a", 1).build())) {
			harness.arbiter.reload();
			harness.arbiter.reload();

			assertThat(harness.events(Reloading.class)).hasSize(1);
			for (int step = 0; step < 10
					&& harness.pool("a").workers().stream().anyMatch((w) -> w.generation() < 2); step++) {
				harness.readyAll();
				harness.tick();
			}

			assertThat(harness.events(Reloading.class)).hasSize(2);
			assertThat(harness.pool("a").workers()).extracting(WorkerSnapshot::generation).containsExactly(2L);
			assertThat(harness.pool("a").state()).isEqualTo(PoolState.RUNNING);
		}
	}

	@Test
	void aPoolThatGivesUpDuringItsReloadEndsTheReloadAndTheNextOneBegins() {
		RestartPolicy once = new RestartPolicy(RestartType.PERMANENT, 1, Duration.ofMinutes(1), Duration.ofSeconds(1),
				Duration.ofSeconds(30), Duration.ofSeconds(30));
		try (ArbiterHarness harness = harness(pool("a", 2).restart(once).build(), pool("b", 1).build())) {
			harness.arbiter.reload("a");
			harness.arbiter.reload("b");
			assertThat(harness.pool("a").state()).isEqualTo(PoolState.RELOADING);
			assertThat(harness.pool("b").state()).as("queued").isEqualTo(PoolState.RUNNING);

			harness.alive("a").get(0).exit(1);
			harness.tick();
			harness.alive("a").get(0).exit(1);
			harness.tick();

			assertThat(harness.pool("a").state()).isEqualTo(PoolState.FAILED);
			assertThat(harness.events(PoolFailed.class)).singleElement()
				.satisfies((failed) -> assertThat(failed.pool()).isEqualTo("a"));
			assertThat(harness.pool("b").state()).as("the queued reload began").isEqualTo(PoolState.RELOADING);
			harness.tick();
			assertThat(harness.alive("a")).as("a failed pool runs no worker").isEmpty();

			harness.arbiter.scale("a", 2);
			assertThat(harness.pool("a").state()).isEqualTo(PoolState.RUNNING);
			assertThat(harness.alive("a")).hasSize(2);
		}
	}

	@Test
	void aReloadOfEveryPoolStartsThePoolsTheConfigurationGainedAndStopsThoseItLost() {
		try (ArbiterHarness harness = harness(pool("a", 1).build(), pool("b", 2).build())) {
			List<FakeProcess> dropped = harness.alive("b");
			this.configuration.set(List.of(pool("a", 1).build(), pool("c", 2).build()));

			harness.arbiter.reload();

			assertThat(harness.events(Reloading.class)).singleElement()
				.satisfies((reloading) -> assertThat(reloading.pools()).containsExactlyInAnyOrder("a", "b", "c"));
			assertThat(harness.alive("c")).hasSize(2);
			harness.tick();
			assertThat(dropped).allSatisfy((worker) -> assertThat(worker.reaped()).isTrue());
			harness.readyAll();
			harness.tick();
			harness.tick();
			assertThat(harness.arbiter.poolNames()).containsExactly("a", "c");
			assertThat(harness.pool("c").ready()).isEqualTo(2);
		}
	}

	@Test
	void aReloadOfOnePoolNoLongerConfiguredLeavesItAsItWas() {
		try (ArbiterHarness harness = harness(pool("a", 1).build(), pool("b", 1).build())) {
			List<FakeProcess> before = harness.alive("b");
			this.configuration.set(List.of(pool("a", 1).build()));

			harness.arbiter.reload("b");

			assertThat(harness.pool("b").state()).isEqualTo(PoolState.RUNNING);
			assertThat(harness.alive("b")).containsExactlyElementsOf(before);
		}
	}

	@Test
	void aConfigurationThatCannotBeReadLeavesEveryPoolAsItWas() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 1).build()),
				(options) -> options.withReloadSource(() -> {
					throw new InvalidSpecException("a", "workers", -1, "must be 0 or more");
				}))
			.started()) {
			List<FakeProcess> before = harness.alive("a");

			harness.arbiter.reload();

			assertThat(harness.pool("a").state()).isEqualTo(PoolState.RUNNING);
			assertThat(harness.alive("a")).containsExactlyElementsOf(before);
			assertThat(harness.events(Reloading.class)).isEmpty();
		}
	}

}
