package io.pistil.arbiter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerTimedOut;
import io.pistil.arbiter.FakeProcesses.FakeProcess;
import io.pistil.net.ListenAddress;
import io.pistil.process.UnixSignal;

import static io.pistil.arbiter.ArbiterHarness.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The abort ladder and the stops: a silent or slow-booting worker gets SIGQUIT, then
 * SIGKILL to its process group; a stopping worker past its graceful timeout is killed; a
 * brutal pool's workers are killed at once; max-booting and recycling.
 */
class WatchdogTests {

	@TempDir
	Path temporary;

	@Test
	void aSilentWorkerGetsAThreadDumpThenIsKilledWithItsProcessGroupAndReplaced() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 1).timeout(Duration.ofSeconds(5)).build()))
			.started()) {
			FakeProcess hung = harness.alive("a").get(0);
			harness.advance(Duration.ofSeconds(4));
			hung.beat();
			harness.advance(Duration.ofSeconds(4));
			assertThat(hung.signals).as("it beat 4 s ago").isEmpty();
			// A tick of the loop's own may have seen the beat before the clock moved.
			assertThat(harness.pool("a").workers().get(0).heartbeatAge()).isLessThanOrEqualTo(Duration.ofSeconds(4));

			harness.advance(Duration.ofSeconds(6));

			assertThat(hung.signals).containsExactly(UnixSignal.QUIT);
			assertThat(harness.events(WorkerTimedOut.class)).singleElement()
				.satisfies((timedOut) -> assertThat(timedOut.silence()).isGreaterThan(Duration.ofSeconds(5)));
			assertThat(harness.pool("a").ready()).as("a hung worker is not ready").isZero();
			harness.advance(Duration.ofSeconds(1));
			assertThat(hung.groupSignals).as("within the thread dump's grace").isEmpty();

			harness.advance(Duration.ofMillis(1100));

			assertThat(hung.groupSignals).contains(UnixSignal.KILL);
			harness.tick();
			assertThat(harness.events(WorkerExited.class)).singleElement()
				.satisfies((exited) -> assertThat(exited.cause()).isEqualTo(ExitCause.TIMEOUT));
			assertThat(harness.alive("a")).hasSize(1).doesNotContain(hung);
		}
	}

	@Test
	void aWorkerThatDoesNotBootWithinItsBootTimeoutIsAborted() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 1).bootTimeout(Duration.ofSeconds(20)).build()))
			.started()) {
			harness.arbiter.increment("a");
			FakeProcess slow = harness.alive("a").get(1);

			harness.advance(Duration.ofSeconds(21));

			assertThat(slow.signals).containsExactly(UnixSignal.QUIT);
			assertThat(harness.alive("a").get(0).signals).isEmpty();
		}
	}

	@Test
	void aStoppingWorkerPastItsGracefulTimeoutIsKilled() {
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 2).gracefulTimeout(Duration.ofSeconds(10)).build()))
			.started()) {
			harness.processes.obedient(false);
			FakeProcess oldest = harness.alive("a").get(0);

			harness.arbiter.decrement("a");
			harness.advance(Duration.ofSeconds(9));
			assertThat(oldest.groupSignals).isEmpty();
			harness.advance(Duration.ofSeconds(2));

			assertThat(oldest.signals).containsExactly(UnixSignal.TERM);
			assertThat(oldest.groupSignals).contains(UnixSignal.KILL);
			harness.tick();
			assertThat(harness.events(WorkerExited.class)).singleElement()
				.satisfies((exited) -> assertThat(exited.cause()).isEqualTo(ExitCause.REQUESTED));
		}
	}

	@Test
	void aQuickStopGivesEveryWorkerOneSecond() {
		ArbiterHarness harness = new ArbiterHarness(this.temporary, List.of(pool("a", 2).build())).started();
		harness.processes.obedient(false);
		Thread stopper = new Thread(harness.arbiter::stopQuickly);
		stopper.start();
		ArbiterHarness.awaitTrue("SIGTERM to every worker",
				() -> harness.alive("a").stream().allMatch((worker) -> worker.signals.contains(UnixSignal.TERM)));

		harness.clock.advance(Duration.ofMillis(1100));

		ArbiterHarness.awaitTrue("the stop", () -> !stopper.isAlive());
		assertThat(harness.arbiter.state()).isEqualTo(ArbiterState.STOPPED);
		assertThat(harness.processes.spawned())
			.allSatisfy((worker) -> assertThat(worker.groupSignals).contains(UnixSignal.KILL));
	}

	@Test
	void aBrutalPoolsWorkersAreKilledAtOnce() {
		ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("a", 2).shutdown(ShutdownMode.BRUTAL).build()))
			.started();

		harness.arbiter.stop();

		assertThat(harness.processes.spawned()).allSatisfy((worker) -> {
			assertThat(worker.signals).isEmpty();
			assertThat(worker.groupSignals).contains(UnixSignal.KILL);
		});
		assertThat(harness.events(WorkerExited.class)).extracting(WorkerExited::cause)
			.containsOnly(ExitCause.REQUESTED);
	}

	@Test
	void atMostMaxBootingWorkersBootAtOnceThePoolsDeclaredFirstFirst() {
		ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("first", 3).build(), pool("second", 2).build()), (options) -> options.withMaxBooting(2));
		try (harness) {
			harness.arbiter.begin();
			ArbiterHarness.awaitTrue("two spawns", () -> harness.processes.spawned().size() == 2);
			harness.tick();
			assertThat(harness.processes.spawned()).extracting(FakeProcesses.FakeProcess::pool)
				.containsExactly("first", "first");

			harness.processes.spawned().get(0).ready();
			harness.tick();

			assertThat(harness.processes.spawned()).extracting(FakeProcesses.FakeProcess::pool)
				.containsExactly("first", "first", "first");
			harness.readyAll();
			harness.tick();
			assertThat(harness.processes.spawned()).extracting(FakeProcesses.FakeProcess::pool)
				.containsExactly("first", "first", "first", "second", "second");
		}
	}

	@Test
	void aWorkerPastItsMaxRequestsIsRecycledOnceItsReplacementIsReadyOneAtATime() {
		TcpSpec tcp = new TcpSpec(List.of(ListenAddress.parse("127.0.0.1:45999")), 16, true, "1", 100);
		try (ArbiterHarness harness = new ArbiterHarness(this.temporary,
				List.of(pool("web", 2).tcp(tcp).recycling(new Recycling(10, 0, 0)).build()))
			.started()) {
			List<FakeProcess> old = harness.alive("web");
			old.forEach((worker) -> worker.handled(10));

			harness.tick();

			assertThat(harness.alive("web")).as("one replacement at a time (reload-surge)").hasSize(3);
			FakeProcess replacement = harness.alive("web").get(2);
			assertThat(old).allSatisfy((worker) -> assertThat(worker.signals).isEmpty());
			assertThat(harness.pool("web").requests()).isEqualTo(20);

			replacement.ready();
			harness.tick();
			harness.tick();

			assertThat(harness.events(WorkerExited.class)).singleElement()
				.satisfies((exited) -> assertThat(exited.cause()).isEqualTo(ExitCause.RECYCLED));
			assertThat(harness.pool("web").requests()).as("an exited worker's requests still count").isEqualTo(20);
			assertThat(harness.alive("web")).hasSize(3).as("the second one's turn").contains(old.get(1));
		}
	}

}
