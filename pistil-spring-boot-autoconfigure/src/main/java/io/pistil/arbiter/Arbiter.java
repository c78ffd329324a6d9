package io.pistil.arbiter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.process.ExitStatus;
import io.pistil.process.ProcessControl;
import io.pistil.process.SpawnException;
import io.pistil.process.SpawnRequest;
import io.pistil.process.SpawnedProcess;
import io.pistil.process.UnixSignal;

/**
 * Spawns and supervises pools of child JVM workers: restarts the ones that die, kills the ones that
 * hang (after a thread dump), and stops them all in order.
 *
 * <p>One thread, the arbiter thread, owns every worker record. Everything else ({@link #start()},
 * {@link #stop()}, exit notifications) only enqueues a command for it, so the pools are never seen
 * half-changed.
 */
public final class Arbiter implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Arbiter.class);

	private static final long TICK_MILLIS = 100;

	/** How long a timed-out worker has to print its thread dump before SIGKILL. */
	static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(2);

	/** How long workers get to stop on a quick stop (SIGINT). */
	static final Duration QUICK_STOP_TIMEOUT = Duration.ofSeconds(1);

	/** Delay before replacing a worker that died before it was ready, so a broken worker cannot spin. */
	static final Duration FAILED_BOOT_RESTART_DELAY = Duration.ofSeconds(1);

	private static final int SCOREBOARD_SLOTS = 1024;

	private static final String RUN_DIRECTORY_PREFIX = "pistil-";

	private enum State {

		NEW, STARTING, RUNNING, STOPPING, STOPPED

	}

	private final List<WorkerSpec> specs;

	private final LaunchSettings launch;

	private final ProcessControl processes;

	private final PrintStream out;

	private final PrintStream err;

	private final long pid = ProcessHandle.current().pid();

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final CompletableFuture<Void> started = new CompletableFuture<>();

	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

	private volatile State state = State.NEW;

	// Owned by the arbiter thread from here on.

	private final Map<String, Map<Integer, WorkerProcess>> workers = new LinkedHashMap<>();

	private final Map<WorkerSpec, Map<Integer, Long>> respawnDue = new HashMap<>();

	private final BitSet usedSlots = new BitSet();

	private final List<OutputRelay> relays = new ArrayList<>();

	private Path runDirectory;

	private Scoreboard scoreboard;

	private String childClassPath;

	private RuntimeException startFailure;

	/**
	 * Creates an arbiter.
	 * @param specs the pools, validated, with distinct names
	 * @param launch how to start child JVMs
	 * @param processes the native process layer
	 * @param out where the children's standard output goes, line by line
	 * @param err where the children's standard error goes, line by line
	 */
	public Arbiter(List<WorkerSpec> specs, LaunchSettings launch, ProcessControl processes, PrintStream out,
			PrintStream err) {
		this.specs = List.copyOf(specs);
		this.launch = launch;
		this.processes = processes;
		this.out = out;
		this.err = err;
		for (WorkerSpec spec : this.specs) {
			if (this.workers.put(spec.name(), new LinkedHashMap<>()) != null) {
				throw new InvalidSpecException(spec.name(), "name", spec.name(), "two pools have this name");
			}
		}
	}

	/**
	 * Spawns every pool's workers and waits until all are ready.
	 * @throws WorkerBootException if a worker dies before it is ready (it is not restarted: a worker
	 * that cannot boot now would not boot in a loop either); every other worker is stopped first
	 */
	public void start() {
		synchronized (this) {
			if (this.state != State.NEW) {
				throw new IllegalStateException("The arbiter has already been started");
			}
			this.state = State.STARTING;
		}
		try {
			deleteRunDirectoriesOfDeadArbiters();
			this.runDirectory = Files.createTempDirectory(RUN_DIRECTORY_PREFIX + this.pid + "-");
			this.scoreboard = Scoreboard.create(ChildArguments.scoreboard(this.runDirectory), SCOREBOARD_SLOTS);
			this.childClassPath = this.launch.childClassPath(this.runDirectory);
		}
		catch (IOException | UncheckedIOException ex) {
			this.state = State.STOPPED;
			deleteRunDirectory();
			throw new IllegalStateException("Cannot prepare the arbiter's run directory: " + ex.getMessage(), ex);
		}
		Thread thread = new Thread(this::loop, "pistil-arbiter");
		thread.start();
		try {
			this.started.join();
		}
		catch (CompletionException ex) {
			this.stopped.join();
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	/** Stops every worker gracefully (SIGTERM, then SIGKILL after its graceful timeout) and waits. */
	public void stop() {
		stop(false);
	}

	/** Stops every worker quickly (SIGTERM, then SIGKILL after a second) and waits. */
	public void stopQuickly() {
		stop(true);
	}

	private void stop(boolean quick) {
		synchronized (this) {
			if (this.state == State.NEW) {
				this.state = State.STOPPED;
				return;
			}
		}
		this.commands.add(() -> beginStop(quick));
		this.stopped.join();
	}

	/** Whether the arbiter has started and not yet stopped. */
	public boolean isRunning() {
		State current = this.state;
		return current != State.NEW && current != State.STOPPED;
	}

	@Override
	public void close() {
		stop();
	}

	private void loop() {
		try {
			while (this.state != State.STOPPED) {
				Runnable command = this.commands.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
				while (command != null) {
					run(command);
					command = this.commands.poll();
				}
				run(this::tick);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			cleanUp();
		}
	}

	private void run(Runnable command) {
		try {
			command.run();
		}
		catch (RuntimeException ex) {
			logger.error("pistil arbiter: unexpected error, carrying on", ex);
		}
	}

	private void tick() {
		long now = System.nanoTime();
		allWorkers().forEach((worker) -> observe(worker, now));
		switch (this.state) {
			case STARTING -> {
				manageWorkers(now);
				if (this.state == State.STARTING && everyWorkerReady()) {
					this.state = State.RUNNING;
					logger.info("pistil arbiter (pid " + this.pid + ") ready: " + describePools());
					this.started.complete(null);
				}
			}
			case RUNNING -> manageWorkers(now);
			case STOPPING -> {
				allWorkers().filter((worker) -> !worker.killed && now - worker.stopDeadline > 0).forEach((worker) -> {
					logger.warn("pistil: worker " + worker + " did not stop in time: sending SIGKILL");
					kill(worker);
				});
				if (allWorkers().findAny().isEmpty()) {
					this.state = State.STOPPED;
				}
			}
			default -> {
			}
		}
	}

	/** Reads a worker's slot: notices readiness and heartbeats, and acts on a silent worker. */
	private void observe(WorkerProcess worker, long now) {
		Scoreboard.Slot slot = this.scoreboard.slot(worker.slot);
		if (slot.pid() == worker.pid) {
			long heartbeats = slot.heartbeats();
			if (heartbeats != worker.heartbeats) {
				worker.heartbeats = heartbeats;
				worker.lastSeen = now;
			}
			if (worker.phase == WorkerProcess.Phase.BOOTING && slot.state() == Scoreboard.READY) {
				worker.phase = WorkerProcess.Phase.READY;
				worker.everReady = true;
				worker.lastSeen = now;
				logger.info("pistil: worker " + worker + " ready in " + seconds(now - worker.spawnedAt));
			}
		}
		if (worker.abortedAt != 0) {
			if (!worker.killed && now - worker.abortedAt > THREAD_DUMP_GRACE.toNanos()) {
				logger.error("pistil: worker " + worker + " killed (SIGKILL) after its timeout");
				kill(worker);
			}
		}
		else if (worker.phase == WorkerProcess.Phase.READY && now - worker.lastSeen > worker.spec.timeout().toNanos()) {
			abort(worker, "has been silent for " + seconds(now - worker.lastSeen) + ", past its timeout of "
					+ worker.spec.timeout().toMillis() + " ms", now);
		}
		else if (worker.phase == WorkerProcess.Phase.BOOTING
				&& now - worker.spawnedAt > worker.spec.bootTimeout().toNanos()) {
			abort(worker, "has not become ready within its boot timeout of " + worker.spec.bootTimeout().toMillis()
					+ " ms", now);
		}
	}

	/** A hung worker first gets SIGQUIT, so the JVM prints every thread's stack and the log shows where it hung. */
	private void abort(WorkerProcess worker, String why, long now) {
		logger.error("pistil: worker " + worker + " " + why + ": sending SIGQUIT (its thread dump follows), then SIGKILL");
		worker.abortedAt = now;
		this.processes.signal(worker.pid, UnixSignal.QUIT);
	}

	private void kill(WorkerProcess worker) {
		worker.killed = true;
		this.processes.signal(worker.pid, UnixSignal.KILL);
	}

	/** Starts the workers each pool is missing. */
	private void manageWorkers(long now) {
		for (WorkerSpec spec : this.specs) {
			Map<Integer, WorkerProcess> running = this.workers.get(spec.name());
			Map<Integer, Long> due = this.respawnDue.computeIfAbsent(spec, (key) -> new HashMap<>());
			for (int number = 1; number <= spec.workers() && this.state != State.STOPPING; number++) {
				Long dueAt = due.get(number);
				if (!running.containsKey(number) && (dueAt == null || now - dueAt >= 0)) {
					due.remove(number);
					spawn(spec, number, now);
				}
			}
		}
	}

	private void spawn(WorkerSpec spec, int number, long now) {
		int slot = this.usedSlots.nextClearBit(0);
		if (slot >= this.scoreboard.capacity()) {
			throw new IllegalStateException("pistil: more than " + this.scoreboard.capacity() + " workers");
		}
		this.scoreboard.slot(slot).clear();
		ChildArguments child = new ChildArguments(this.pid, spec.name(), number, slot, this.runDirectory,
				spec.workerClass(), spec.beanName(), spec.context(), this.launch.applicationClass(),
				this.launch.profiles(), spec.pause(), spec.args());
		Map<String, String> environment = new HashMap<>(this.launch.environment());
		environment.putAll(spec.environment());
		SpawnedProcess process;
		try {
			process = this.processes.spawn(new SpawnRequest(this.launch.javaExecutable(),
					LaunchSettings.jvmArguments(spec, child, this.childClassPath), environment));
		}
		catch (SpawnException ex) {
			if (this.state == State.STARTING) {
				this.startFailure = ex;
				beginStop(false);
			}
			else {
				logger.error("pistil: cannot start worker " + child.workerName() + ", retrying: " + ex.getMessage());
				this.respawnDue.get(spec).put(number, now + FAILED_BOOT_RESTART_DELAY.toNanos());
			}
			return;
		}
		this.usedSlots.set(slot);
		String name = child.workerName();
		String prefix = "[" + name + " pid " + process.pid() + "] ";
		List<OutputRelay> streams = List.of(
				new OutputRelay("pistil-out-" + name, prefix, process.output(), this.out),
				new OutputRelay("pistil-err-" + name, prefix, process.errors(), this.err));
		this.relays.addAll(streams);
		WorkerProcess worker = new WorkerProcess(spec, number, slot, process.pid(), now, streams);
		this.workers.get(spec.name()).put(number, worker);
		logger.info("pistil: worker " + worker + " spawned");
		// onExit fires without reaping; the arbiter thread then reaps with waitpid.
		ProcessHandle.of(process.pid()).ifPresentOrElse(
				(handle) -> handle.onExit().thenRun(() -> this.commands.add(() -> exited(worker))),
				() -> this.commands.add(() -> exited(worker)));
	}

	private void exited(WorkerProcess worker) {
		ExitStatus status = this.processes.waitFor(worker.pid);
		this.workers.get(worker.spec.name()).remove(worker.number);
		this.scoreboard.slot(worker.slot).clear();
		this.usedSlots.clear(worker.slot);
		this.relays.removeIf(OutputRelay::finished);
		String bootError = takeBootError(worker.pid);
		String cause = (worker.abortedAt != 0) ? " after its timeout" : "";
		switch (this.state) {
			case STOPPING -> logger.info("pistil: worker " + worker + " " + status + cause);
			case STARTING, RUNNING -> {
				if (this.state == State.STARTING && !worker.everReady) {
					failStart(worker, status, bootError);
					return;
				}
				logger.warn("pistil: worker " + worker + " " + status + cause + (worker.everReady ? "" : " before it was ready")
						+ "; starting a replacement");
				if (!worker.everReady) {
					this.respawnDue.get(worker.spec)
						.put(worker.number, System.nanoTime() + FAILED_BOOT_RESTART_DELAY.toNanos());
				}
				manageWorkers(System.nanoTime());
			}
			default -> {
			}
		}
	}

	private void failStart(WorkerProcess worker, ExitStatus status, String bootError) {
		String report = bootError;
		if (report == null) {
			awaitRelays(worker.relays);
			report = worker.errorTail();
		}
		logger.error("pistil: worker " + worker + " failed to start (" + status + "); stopping");
		this.startFailure = new WorkerBootException(worker.toString(), status.toString(), report);
		beginStop(false);
	}

	private String takeBootError(long pid) {
		Path file = ChildArguments.bootError(this.runDirectory, pid);
		try {
			if (!Files.exists(file)) {
				return null;
			}
			String error = Files.readString(file, StandardCharsets.UTF_8);
			Files.delete(file);
			return error;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private void beginStop(boolean quick) {
		if (this.state == State.STOPPED) {
			return;
		}
		if (this.state != State.STOPPING) {
			this.state = State.STOPPING;
			logger.info("pistil arbiter (pid " + this.pid + ") stopping " + allWorkers().count() + " worker(s)"
					+ (quick ? " quickly" : ""));
		}
		long now = System.nanoTime();
		allWorkers().forEach((worker) -> {
			long deadline = now + (quick ? QUICK_STOP_TIMEOUT : worker.spec.gracefulTimeout()).toNanos();
			if (worker.stopDeadline == 0) {
				worker.phase = WorkerProcess.Phase.STOPPING;
				worker.stopDeadline = deadline;
				this.processes.signal(worker.pid, UnixSignal.TERM);
			}
			else if (deadline - worker.stopDeadline < 0) {
				worker.stopDeadline = deadline;
			}
		});
	}

	private void cleanUp() {
		this.state = State.STOPPED;
		awaitRelays(this.relays);
		deleteRunDirectory();
		RuntimeException failure = (this.startFailure != null) ? this.startFailure
				: new IllegalStateException("pistil arbiter stopped before every worker was ready");
		this.started.completeExceptionally(failure);
		this.stopped.complete(null);
		logger.info("pistil arbiter (pid " + this.pid + ") stopped");
	}

	private static void awaitRelays(List<OutputRelay> relays) {
		try {
			for (OutputRelay relay : relays) {
				relay.await(1000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void deleteRunDirectory() {
		if (this.runDirectory != null) {
			deleteTree(this.runDirectory);
		}
	}

	/** An arbiter killed by SIGKILL leaves its run directory behind: the next one removes it. */
	private static void deleteRunDirectoriesOfDeadArbiters() throws IOException {
		Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
		try (Stream<Path> entries = Files.list(temporary)) {
			for (Path entry : entries.toList()) {
				String[] parts = entry.getFileName().toString().split("-");
				if (parts.length == 3 && (parts[0] + "-").equals(RUN_DIRECTORY_PREFIX) && parts[1].matches("\\d{1,10}")
						&& ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()
						&& Files.exists(ChildArguments.scoreboard(entry))) {
					deleteTree(entry);
				}
			}
		}
	}

	private static void deleteTree(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			logger.warn("pistil: cannot delete " + directory + ": " + ex);
		}
	}

	private Stream<WorkerProcess> allWorkers() {
		return this.workers.values().stream().flatMap((pool) -> pool.values().stream()).toList().stream();
	}

	private boolean everyWorkerReady() {
		return this.specs.stream().allMatch((spec) -> {
			Map<Integer, WorkerProcess> running = this.workers.get(spec.name());
			return running.size() == spec.workers()
					&& running.values().stream().allMatch((worker) -> worker.phase == WorkerProcess.Phase.READY);
		});
	}

	private String describePools() {
		return this.specs.stream().map((spec) -> spec.name() + " (" + spec.workers() + ")").reduce((a, b) -> a + ", " + b)
			.orElse("no pools");
	}

	private static String seconds(long nanos) {
		return String.format("%.1fs", nanos / 1e9);
	}

}
