package io.pistil.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.contract.ExitCodes;
import io.pistil.it.EventLog.Event;
import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static io.pistil.it.EventLog.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Supervision trees across JVMs: a supervisor child and its subtree replaced, a whole
 * tree gone after {@code kill -9} of its top arbiter, a stop depth first, and a subtree
 * that gives up escalating to its parent. Restart types, strategies, intensity and
 * backoff are the arbiter's decisions, which its unit tests drive.
 */
class SupervisionTreeIT extends ArbiterTestSupport {

	@Test
	void supervisorChildComesBackWithItsSubtreeAndAGrandchildIsReplacedByItsOwnSupervisor() {
		this.arbiter = TestApplication.launch(tree());
		this.arbiter.awaitReady(READY);
		long supervisor = this.arbiter.workers("tree").get(1);
		Map<Integer, Long> leaves = ArbiterProcess.workers(supervisor, "leaves");
		assertThat(leaves).hasSize(2);
		long solo = this.arbiter.workers("solo").get(1);

		ArbiterProcess.signal(leaves.get(1), UnixSignal.KILL);

		this.arbiter.await("the grandchild replaced", READY, () -> {
			Map<Integer, Long> now = ArbiterProcess.workers(supervisor, "leaves");
			return now.size() == 2 && !now.containsValue(leaves.get(1));
		});
		assertThat(ArbiterProcess.workers(supervisor, "leaves")).containsEntry(2, leaves.get(2));
		assertThat(this.arbiter.workers("tree")).containsEntry(1, supervisor);
		assertThat(this.arbiter.workers("solo")).containsEntry(1, solo);

		ArbiterProcess.signal(supervisor, UnixSignal.KILL);

		this.arbiter.await("the supervisor and its subtree back", READY, () -> {
			Long now = this.arbiter.workers("tree").get(1);
			return now != null && now != supervisor && ArbiterProcess.workers(now, "leaves").size() == 2;
		});
		this.arbiter.await("the old subtree gone", Duration.ofSeconds(5),
				() -> ArbiterProcess.workers(supervisor, "leaves").isEmpty()
						&& leaves.values().stream().noneMatch((pid) -> ProcessHandle.of(pid).isPresent()));
		assertThat(this.arbiter.workers("solo")).containsEntry(1, solo);
	}

	@Test
	void killedTopArbiterTakesTheWholeTreeWithIt() throws InterruptedException {
		this.arbiter = TestApplication.launch(tree());
		this.arbiter.awaitReady(READY);
		assertThat(this.arbiter.remainingWorkers()).as("supervisor, two leaves, solo").hasSize(4);

		this.arbiter.signal(UnixSignal.KILL);

		this.arbiter.awaitExit(Duration.ofSeconds(5));
		this.arbiter.await("the whole tree gone", Duration.ofSeconds(3),
				() -> this.arbiter.remainingWorkers().isEmpty());
	}

	@Test
	void sigtermStopsTheTreeDepthFirstAndExitsWithZero() throws InterruptedException {
		this.arbiter = TestApplication.launch(tree());
		this.arbiter.awaitReady(READY);
		long supervisor = this.arbiter.workers("tree").get(1);
		List<Long> leaves = List.copyOf(ArbiterProcess.workers(supervisor, "leaves").values());
		List<Long> tree = new ArrayList<>(leaves);
		tree.add(supervisor);

		try (ExitOrder exits = new ExitOrder(tree)) {
			this.arbiter.signal(UnixSignal.TERM);

			assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
			this.arbiter.await("the tree gone", Duration.ofSeconds(5), exits::allEnded);
			for (long leaf : leaves) {
				assertThat(exits.endedInPass(leaf)).as("leaf %d ended before its supervisor", leaf)
					.isLessThan(exits.endedInPass(supervisor));
			}
		}
		assertThat(this.arbiter.events(WorkerExited.class)).filteredOn((exit) -> exit.pid() == supervisor)
			.singleElement()
			.satisfies((exit) -> assertThat(exit.exitCode()).isZero());
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void supervisorWhosePoolGivesUpEscalatesToItsParentWhichRestartsPerItsStrategy() {
		List<String> arguments = new ArrayList<>();
		arguments.addAll(List.of("--pistil.workers.tree.type=supervisor", "--pistil.workers.tree.max-restarts=100",
				"--pistil.workers.tree.jvm-options=-Xmx96m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1"));
		arguments.addAll(pool("tree.children.crashy", CrashingWorker.class, 1));
		// Crashing only after a while lets the whole tree get ready first.
		arguments.addAll(List.of("--pistil.workers.tree.children.crashy.max-restarts=1",
				"--pistil.workers.tree.children.crashy.backoff-min=100ms",
				"--pistil.workers.tree.children.crashy.args.delay-millis=3000"));
		arguments.addAll(pool("solo", TickWorker.class, 1));
		arguments.add("--pistil.strategy=one-for-all");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		long solo = this.arbiter.workers("solo").get(1);
		long supervisor = this.arbiter.workers("tree").get(1);

		Event escalation = this.arbiter.awaitEvent("the supervisor's exit", READY,
				event(WorkerExited.class, supervisor));

		assertThat(escalation.exitCode()).isEqualTo(ExitCodes.ESCALATED);
		this.arbiter.awaitEvent("a new supervisor", READY,
				(event) -> event.is(WorkerStarted.class) && event.pool().equals("tree") && event.pid() != supervisor);
		Event soloExit = this.arbiter.awaitEvent("its sibling's stop, one for all", READY,
				event(WorkerExited.class, solo));
		assertThat(soloExit.cause()).isEqualTo("REQUESTED");
		this.arbiter.awaitEvent("a new sibling", READY,
				(event) -> event.is(WorkerStarted.class) && event.pool().equals("solo") && event.pid() != solo);
	}

	private static List<String> tree() {
		List<String> arguments = new ArrayList<>(List.of("--pistil.workers.tree.type=supervisor",
				"--pistil.workers.tree.jvm-options=-Xmx96m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1"));
		arguments.addAll(pool("tree.children.leaves", TickWorker.class, 2));
		arguments.addAll(pool("solo", TickWorker.class, 1));
		return arguments;
	}

}
