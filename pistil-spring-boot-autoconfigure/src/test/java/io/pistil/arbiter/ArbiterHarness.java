package io.pistil.arbiter;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import io.pistil.arbiter.FakeProcesses.FakeProcess;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.process.UnixSignal;

/**
 * An arbiter over a fake process layer and a fake clock: a test spawns nothing, makes its
 * workers ready, beat, handle requests and exit as it likes, moves time, and reads what
 * the arbiter decided from its snapshots, its events and the signals it sent.
 */
final class ArbiterHarness implements AutoCloseable {

	final FakeProcesses processes = new FakeProcesses();

	final FakeClock clock = new FakeClock();

	final List<ArbiterEvent> events = new CopyOnWriteArrayList<>();

	final Arbiter arbiter;

	private final Path runDirectoryParent;

	ArbiterHarness(Path runDirectoryParent, List<WorkerSpec> specs) {
		this(runDirectoryParent, specs, Function.identity());
	}

	ArbiterHarness(Path runDirectoryParent, List<WorkerSpec> specs, Function<ArbiterOptions, ArbiterOptions> options) {
		this.runDirectoryParent = runDirectoryParent;
		PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
		LaunchSettings launch = new LaunchSettings(Path.of(System.getProperty("java.home"), "bin", "java"), "classes",
				false, null, List.of(), Map.of(), "", List.of());
		this.arbiter = new Arbiter(specs, launch, this.processes,
				options.apply(ArbiterOptions.defaults()
					.withOutput(nowhere, nowhere)
					.withClock(this.clock)
					.withListener(this.events::add)
					.withCallTimeout(Duration.ofSeconds(5))
					.withRunDirectoryParent(runDirectoryParent)));
	}

	/** A pool of plain workers. */
	static WorkerSpec.Builder pool(String name, int workers) {
		return WorkerSpec.builder(name).workerClass("com.example.Worker").workers(workers);
	}

	/** Begins, and makes every worker ready until the arbiter is. */
	ArbiterHarness started() {
		this.arbiter.begin();
		awaitTrue("the arbiter to be ready", () -> {
			readyAll();
			tick();
			return this.arbiter.state() == ArbiterState.RUNNING;
		});
		return this;
	}

	/** Runs a tick after every command queued so far (exits included). */
	void tick() {
		this.arbiter.tick();
	}

	/** Moves the clock on, then ticks. */
	void advance(Duration duration) {
		this.clock.advance(duration);
		tick();
	}

	/** Makes every live worker that has not said so ready. */
	void readyAll() {
		this.processes.spawned().stream().filter(FakeProcess::alive).forEach(FakeProcess::ready);
	}

	/** Makes every live worker beat once. */
	void beatAll() {
		this.processes.spawned().stream().filter(FakeProcess::alive).forEach(FakeProcess::beat);
	}

	/** The live processes of a pool, oldest first. */
	List<FakeProcess> alive(String pool) {
		return this.processes.spawned()
			.stream()
			.filter((process) -> process.pool().equals(pool) && process.alive())
			.toList();
	}

	/** Every process a pool has spawned, oldest first. */
	List<FakeProcess> spawned(String pool) {
		return this.processes.spawned().stream().filter((process) -> process.pool().equals(pool)).toList();
	}

	PoolSnapshot pool(String name) {
		return this.arbiter.snapshot().pool(name).orElseThrow();
	}

	<E extends ArbiterEvent> List<E> events(Class<E> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	<E extends ArbiterEvent> List<E> events(Class<E> type, Predicate<E> which) {
		return events(type).stream().filter(which).toList();
	}

	/**
	 * Waits for something the loop thread does on its own (a real thread, in
	 * milliseconds).
	 */
	static void awaitTrue(String what, java.util.concurrent.Callable<Boolean> condition) {
		Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(condition);
	}

	/** Whether the arbiter's run directory is gone. */
	boolean runDirectoryRemoved() throws Exception {
		try (var entries = Files.list(this.runDirectoryParent)) {
			return entries.noneMatch((entry) -> entry.getFileName().toString().startsWith(RunDirectory.PREFIX));
		}
	}

	/**
	 * Stops the arbiter: every worker obeys from now on, and those it was waiting for
	 * (frozen by the fake clock) end.
	 */
	@Override
	public void close() {
		this.processes.obedient(true);
		if (this.arbiter.isRunning()) {
			this.processes.spawned().forEach((process) -> process.killed(UnixSignal.KILL));
			this.arbiter.stop();
		}
	}

}
