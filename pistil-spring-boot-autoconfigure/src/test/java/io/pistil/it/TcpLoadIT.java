package io.pistil.it;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.it.EventLog.Event;
import io.pistil.it.TcpLoad.Outcome;
import io.pistil.process.UnixSignal;

import static io.pistil.it.EchoPools.tcpPool;
import static io.pistil.it.EventLog.event;
import static io.pistil.it.EventLog.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tcp pool under a bounded load on loopback (several client threads, thousands of
 * requests, each on a connection of its own) while its workers are replaced: by a reload,
 * by recycling, by {@code kill -9}, by the arbiter's stop. A request fails only if the
 * worker that accepted it was killed.
 */
class TcpLoadIT extends ArbiterTestSupport {

	private static final Duration LOAD_LIMIT = Duration.ofSeconds(150);

	private TcpLoad load;

	/** Runs before the support's clean-up, which kills the arbiter. */
	@AfterEach
	void stopTheLoad() throws InterruptedException {
		if (this.load != null) {
			this.load.stop();
		}
	}

	@Test
	void aReloadUnderLoadFailsNoRequest() throws InterruptedException {
		this.arbiter = TestApplication.launch(tcpPool("echo", 2, "127.0.0.1:0"));
		this.arbiter.awaitReady(READY);
		Collection<Long> before = this.arbiter.workers("echo").values();
		this.load = TcpLoad.start(EchoPools.tcpAddress(this.arbiter, "echo"), 4, 10_000, LOAD_LIMIT);
		this.load.awaitMore(1000, READY);

		this.arbiter.signal(UnixSignal.HUP);

		this.arbiter.await("the old workers' exits", READY,
				() -> this.arbiter.events(WorkerExited.class).stream().map(Event::pid).toList().containsAll(before));
		Collection<Long> after = this.arbiter.workers("echo").values();
		assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
		this.arbiter.await("every new worker serving", READY, () -> pids(this.load.outcomes()).containsAll(after));
		List<Outcome> outcomes = this.load.stop();
		assertThat(failures(outcomes)).isEmpty();
		assertThat(outcomes).hasSizeGreaterThanOrEqualTo(1000);
		assertThat(pids(outcomes)).containsAll(before);
	}

	@Test
	void recyclingAfterMaxRequestsUnderLoadFailsNoRequest() throws InterruptedException {
		List<String> arguments = new ArrayList<>(tcpPool("echo", 2, "127.0.0.1:0"));
		arguments
			.addAll(List.of("--pistil.workers.echo.max-requests=400", "--pistil.workers.echo.max-requests-jitter=100"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		this.load = TcpLoad.start(EchoPools.tcpAddress(this.arbiter, "echo"), 4, 10_000, LOAD_LIMIT);

		this.arbiter.await("three workers recycled", LOAD_LIMIT,
				() -> this.arbiter.events(WorkerExited.class).stream().filter(TcpLoadIT::recycled).count() >= 3);

		List<Outcome> outcomes = this.load.stop();
		assertThat(failures(outcomes)).isEmpty();
		assertThat(outcomes).hasSizeGreaterThanOrEqualTo(1200);
		List<Event> events = this.arbiter.events();
		for (Event exit : events.stream().filter(TcpLoadIT::recycled).toList()) {
			int ready = indexOf(events, event(WorkerReady.class, exit.pid()));
			assertThat(outcomes.stream().filter((outcome) -> outcome.pid() == exit.pid()).count())
				.as("pid %d recycled after its max-requests", exit.pid())
				.isGreaterThanOrEqualTo(400);
			assertThat(events.subList(ready + 1, exit.index()))
				.as("a replacement of pid %d ready before it stopped", exit.pid())
				.anyMatch((event) -> event.is(WorkerReady.class) && event.number() == exit.number());
		}
	}

	/**
	 * Each worker serves one connection at a time (threads: 1), so a killed worker loses
	 * at most the one connection it had accepted: a connection waiting in the queue goes
	 * to another worker.
	 */
	@Test
	void killingAWorkerEvery200MillisecondsFailsOnlyTheConnectionsItHadAccepted() throws InterruptedException {
		List<String> arguments = new ArrayList<>(tcpPool("echo", 4, "127.0.0.1:0"));
		arguments.add("--pistil.workers.echo.args.reply-millis=20");
		// Twelve kills in a few seconds would otherwise exceed the pool's restart
		// intensity and backoff.
		arguments.addAll(List.of("--pistil.workers.echo.max-restarts=100", "--pistil.workers.echo.backoff-min=10ms",
				"--pistil.workers.echo.backoff-max=20ms"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		this.load = TcpLoad.start(EchoPools.tcpAddress(this.arbiter, "echo"), 6, 10_000, LOAD_LIMIT);
		this.load.awaitMore(300, READY);
		Set<Long> killed = ConcurrentHashMap.newKeySet();
		ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
		// Every 200 ms, a ready worker dies, as long as another one is ready to serve.
		killer.scheduleAtFixedRate(() -> {
			List<Long> ready = readyWorkers(killed);
			if (ready.size() >= 2 && killed.size() < 12) {
				killed.add(ready.get(0));
				ArbiterProcess.signal(ready.get(0), UnixSignal.KILL);
			}
		}, 0, 200, TimeUnit.MILLISECONDS);
		try {
			this.arbiter.await("twelve workers killed", LOAD_LIMIT, () -> killed.size() == 12);
		}
		finally {
			killer.shutdownNow();
		}

		this.arbiter.await("four ready workers again", READY, () -> readyWorkers(killed).size() == 4);
		this.load.awaitMore(300, READY);
		List<Outcome> outcomes = this.load.stop();
		List<Outcome> failures = failures(outcomes);
		assertThat(failures).as("at most one accepted connection per killed worker")
			.hasSizeLessThanOrEqualTo(killed.size());
		assertThat(failures).filteredOn(Outcome::accepted).extracting(Outcome::pid).isSubsetOf(killed);
		assertThat(outcomes).hasSizeGreaterThanOrEqualTo(1000);
		System.out.println(failures.size() + " of " + outcomes.size() + " connections failed, " + killed.size()
				+ " workers killed: " + failures);
	}

	@Test
	void termUnderLoadGivesEveryAcceptedConnectionItsFullReply() throws InterruptedException {
		List<String> arguments = new ArrayList<>(tcpPool("echo", 2, "127.0.0.1:0"));
		arguments.addAll(List.of("--pistil.workers.echo.threads=4", "--pistil.workers.echo.args.reply-millis=100"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		this.load = TcpLoad.start(EchoPools.tcpAddress(this.arbiter, "echo"), 8, 10_000, LOAD_LIMIT);
		this.load.awaitMore(300, READY);

		long termAt = System.nanoTime();
		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(READY)).isZero();
		List<Outcome> outcomes = this.load.stop();
		assertThat(outcomes).filteredOn(Outcome::accepted).allMatch(Outcome::complete);
		assertThat(outcomes).as("connections in flight at the TERM, finished")
			.anyMatch((outcome) -> outcome.greetedAt() < termAt && outcome.endedAt() > termAt && outcome.complete());
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	/**
	 * Pids of the workers that said they are ready and are alive, but for those killed
	 * already.
	 */
	private List<Long> readyWorkers(Set<Long> killed) {
		return this.arbiter.events(WorkerReady.class)
			.stream()
			.map(Event::pid)
			.filter((pid) -> !killed.contains(pid))
			.filter((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
			.toList();
	}

	private static List<Outcome> failures(List<Outcome> outcomes) {
		return outcomes.stream().filter((outcome) -> !outcome.complete()).toList();
	}

	private static Set<Long> pids(List<Outcome> outcomes) {
		return outcomes.stream().map(Outcome::pid).collect(Collectors.toSet());
	}

	private static boolean recycled(Event exit) {
		return exit.is(WorkerExited.class) && exit.cause().equals("RECYCLED");
	}

}
