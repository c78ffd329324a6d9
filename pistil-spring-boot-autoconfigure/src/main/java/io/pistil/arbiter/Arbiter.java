package io.pistil.arbiter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.ArbiterReady;
import io.pistil.arbiter.ArbiterEvent.ArbiterStarting;
import io.pistil.arbiter.ArbiterEvent.ArbiterStopped;
import io.pistil.arbiter.ArbiterEvent.ArbiterStopping;
import io.pistil.arbiter.ArbiterEvent.PoolFailed;
import io.pistil.arbiter.ArbiterEvent.PoolResized;
import io.pistil.arbiter.ArbiterEvent.Reloading;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerSpawning;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.arbiter.ArbiterEvent.WorkerTimedOut;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;
import io.pistil.net.ListenException;
import io.pistil.net.Systemd;
import io.pistil.process.ExitStatus;
import io.pistil.process.ProcessControl;
import io.pistil.process.SpawnException;
import io.pistil.process.SpawnRequest;
import io.pistil.process.SpawnedProcess;
import io.pistil.process.UnixSignal;

/**
 * Spawns and supervises pools of child JVM workers: restarts the ones that die, kills the
 * ones that hang (after a thread dump), scales pools, replaces workers by rolling
 * reloads, and stops them all in order.
 *
 * <p>
 * One thread, the arbiter thread, owns every pool and worker record. Everything else (the
 * public methods, exit notifications, signal handlers) only enqueues a command for it, so
 * commands apply one at a time, in order, and the pools are never seen half-changed.
 */
public final class Arbiter implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Arbiter.class);

	private static final long TICK_MILLIS = 100;

	/** How long a timed-out worker has to print its thread dump before SIGKILL. */
	static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(2);

	/** How long workers get to stop on a quick stop (SIGINT). */
	static final Duration QUICK_STOP_TIMEOUT = Duration.ofSeconds(1);

	private static final int SCOREBOARD_SLOTS = 1024;

	private static final String RUN_DIRECTORY_PREFIX = "pistil-";

	private enum State {

		NEW, STARTING, RUNNING, STOPPING, STOPPED

	}

	private final LaunchSettings launch;

	private final ProcessControl processes;

	private final ArbiterOptions options;

	private final long pid = ProcessHandle.current().pid();

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final CompletableFuture<Void> started = new CompletableFuture<>();

	private final CompletableFuture<Void> stopped = new CompletableFuture<>();

	private volatile State state = State.NEW;

	private volatile Instant startedAt;

	private volatile Thread thread;

	// Owned by the arbiter thread from here on.

	private final Map<String, Pool> pools = new LinkedHashMap<>();

	private final PoolListeners listeners;

	private final BitSet usedSlots = new BitSet();

	private final List<OutputRelay> relays = new ArrayList<>();

	/** Reloads asked for while one was in progress, applied in order once it ends. */
	private final List<List<String>> pendingReloads = new ArrayList<>();

	private long nextAge;

	private volatile Path runDirectory;

	private Scoreboard scoreboard;

	private String childClassPath;

	private RuntimeException startFailure;

	/**
	 * Creates an arbiter.
	 * @param specs the pools, validated, with distinct names
	 * @param launch how to start child JVMs
	 * @param processes the native process layer
	 * @param options output, listeners, customizers and reload source
	 */
	public Arbiter(List<WorkerSpec> specs, LaunchSettings launch, ProcessControl processes, ArbiterOptions options) {
		this.launch = launch;
		this.processes = processes;
		this.options = options;
		this.listeners = new PoolListeners(processes.sockets(), launch.environment(), this.pid);
		for (WorkerSpec spec : specs) {
			if (this.pools.put(spec.name(), new Pool(spec)) != null) {
				throw new InvalidSpecException(spec.name(), "name", spec.name(), "two pools have this name");
			}
		}
	}

	/**
	 * Spawns every pool's workers and waits until all are ready: {@link #begin()}, then
	 * {@link #awaitReady()}.
	 * @throws WorkerBootException if a worker dies before it is ready (it is not
	 * restarted: a worker that cannot boot now would not boot in a loop either); every
	 * other worker is stopped first
	 */
	public void start() {
		begin();
		awaitReady();
	}

	/**
	 * Starts spawning every pool's workers and returns at once, so that they boot while
	 * the application goes on starting.
	 * @throws ListenException if a tcp pool cannot listen on one of its addresses
	 */
	public void begin() {
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
			this.stopped.complete(null);
			deleteRunDirectory();
			throw new IllegalStateException("Cannot prepare the arbiter's run directory: " + ex.getMessage(), ex);
		}
		try {
			this.listeners.open(this.pools.values().stream().map((pool) -> pool.spec).toList());
		}
		catch (ListenException ex) {
			this.state = State.STOPPED;
			this.stopped.complete(null);
			deleteRunDirectory();
			throw ex;
		}
		this.startedAt = Instant.now();
		publish(new ArbiterStarting(this.pid, List.copyOf(this.pools.keySet())));
		this.thread = new Thread(this::loop, "pistil-arbiter");
		this.thread.start();
	}

	/**
	 * Waits until every pool's workers are ready, {@link #begin() beginning} first if
	 * need be.
	 * @throws WorkerBootException if a worker dies before it is ready; every other worker
	 * is stopped first
	 */
	public void awaitReady() {
		synchronized (this) {
			if (this.state == State.NEW) {
				begin();
			}
		}
		try {
			this.started.join();
		}
		catch (CompletionException ex) {
			this.stopped.join();
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	/**
	 * Stops every worker gracefully (SIGTERM, then SIGKILL after its graceful timeout)
	 * and waits.
	 */
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

	/**
	 * Sets a pool's worker count: spawns workers, or retires the oldest gracefully.
	 * @param pool the pool
	 * @param workers the new count, between the pool's min-workers and max-workers
	 * @return the pool after the change
	 * @throws NoSuchPoolException for an unknown pool
	 * @throws IllegalArgumentException for a count out of the pool's bounds; the pool is
	 * unchanged
	 */
	public PoolSnapshot scale(String pool, int workers) {
		return call(() -> {
			Pool target = pool(pool);
			if (workers < target.spec.minWorkers() || workers > target.spec.maxWorkers()) {
				throw new IllegalArgumentException("Pool '" + pool + "' takes between " + target.spec.minWorkers()
						+ " and " + target.spec.maxWorkers() + " workers, not " + workers);
			}
			target.recover();
			resize(target, workers);
			manage(target, System.nanoTime());
			return snapshot(target, System.nanoTime());
		});
	}

	/**
	 * Adds a worker to a pool (SIGTTIN); at max-workers, does nothing.
	 * @param pool the pool
	 * @return the pool after the change
	 */
	public PoolSnapshot increment(String pool) {
		return call(() -> {
			Pool target = pool(pool);
			resize(target, Math.min(target.desired + 1, target.spec.maxWorkers()));
			return snapshot(target, System.nanoTime());
		});
	}

	/**
	 * Retires a pool's oldest worker gracefully (SIGTTOU); at min-workers, does nothing.
	 * @param pool the pool
	 * @return the pool after the change
	 */
	public PoolSnapshot decrement(String pool) {
		return call(() -> {
			Pool target = pool(pool);
			resize(target, Math.max(target.desired - 1, target.spec.minWorkers()));
			return snapshot(target, System.nanoTime());
		});
	}

	/**
	 * Sets every pool's worker count to 0, stopping every worker gracefully; the arbiter
	 * keeps running (SIGWINCH).
	 */
	public void stopAllWorkers() {
		call(() -> {
			this.pools.values().forEach((pool) -> resize(pool, 0));
			return null;
		});
	}

	/**
	 * Replaces every worker of every pool by a rolling reload, with the specs read anew
	 * (SIGHUP). Returns once the reload has begun (or been queued behind one in
	 * progress).
	 */
	public void reload() {
		call(() -> {
			requestReload(List.copyOf(this.pools.keySet()));
			return null;
		});
	}

	/**
	 * Replaces every worker of one pool by a rolling reload.
	 * @param pool the pool
	 */
	public void reload(String pool) {
		call(() -> {
			requestReload(List.of(pool(pool).name()));
			return null;
		});
	}

	/**
	 * Replaces one worker gracefully: its replacement is started, and it is stopped once
	 * the replacement is ready.
	 * @param pid the worker's pid
	 * @throws IllegalArgumentException if no worker has this pid
	 */
	public void replace(long pid) {
		call(() -> {
			Pool pool = this.pools.values()
				.stream()
				.filter((candidate) -> candidate.find(pid).isPresent())
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("No worker has pid " + pid));
			WorkerProcess worker = pool.find(pid).get();
			if (pool.reloading) {
				throw new IllegalStateException(
						"Pool '" + pool.name() + "' is reloading: every worker is being replaced");
			}
			if (worker.retiring || pool.replacements.containsValue(worker)) {
				throw new IllegalArgumentException("Worker " + worker + " is already stopping");
			}
			spawn(pool, System.nanoTime(), worker);
			return null;
		});
	}

	/** Returns a view of every pool and worker. */
	public ArbiterSnapshot snapshot() {
		if (this.state == State.NEW || this.state == State.STOPPED) {
			return new ArbiterSnapshot(this.pid, this.state.name(), this.startedAt, List.of());
		}
		return call(() -> {
			long now = System.nanoTime();
			return new ArbiterSnapshot(this.pid, this.state.name(), this.startedAt,
					this.pools.values().stream().map((pool) -> snapshot(pool, now)).toList());
		});
	}

	/**
	 * The arbiter's run directory, where it and its workers share files; null before
	 * {@link #begin()}.
	 */
	public Path runDirectory() {
		return this.runDirectory;
	}

	/** The pool names. */
	public List<String> poolNames() {
		return call(() -> List.copyOf(this.pools.keySet()));
	}

	/**
	 * Runs an operation on the arbiter thread and waits for its result or its exception.
	 */
	private <T> T call(Supplier<T> operation) {
		if (Thread.currentThread() == this.thread) {
			throw new IllegalStateException("An arbiter listener cannot wait for the arbiter");
		}
		if (!isRunning()) {
			throw new IllegalStateException("The arbiter is not running");
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		this.commands.add(() -> {
			try {
				result.complete(operation.get());
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		try {
			CompletableFuture.anyOf(result, this.stopped).join();
		}
		catch (CompletionException ex) {
			// The operation failed: its exception is rethrown below.
		}
		if (!result.isDone()) {
			throw new IllegalStateException("The arbiter stopped");
		}
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	private Pool pool(String name) {
		Pool pool = this.pools.get(name);
		if (pool == null) {
			throw new NoSuchPoolException(name);
		}
		return pool;
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
			case STARTING, RUNNING -> {
				this.pools.values().forEach((pool) -> manage(pool, now));
				if (this.state == State.STARTING && everyPoolReady()) {
					this.state = State.RUNNING;
					logger.info("pistil arbiter (pid " + this.pid + ") ready: " + describePools());
					publish(new ArbiterReady(this.pid));
					this.started.complete(null);
				}
			}
			case STOPPING -> {
				if (allWorkers().findAny().isEmpty()) {
					this.state = State.STOPPED;
				}
			}
			default -> {
			}
		}
	}

	/**
	 * Reads a worker's slot: notices readiness and heartbeats, and acts on a silent or
	 * late worker.
	 */
	private void observe(WorkerProcess worker, long now) {
		Scoreboard.Slot slot = this.scoreboard.slot(worker.slot);
		if (slot.pid() == worker.pid) {
			long heartbeats = slot.heartbeats();
			if (heartbeats != worker.heartbeats) {
				worker.heartbeats = heartbeats;
				worker.lastSeen = now;
			}
			if (!worker.ready && (slot.state() == Scoreboard.READY || slot.state() == Scoreboard.STOPPING)) {
				worker.ready = true;
				worker.lastSeen = now;
				Duration bootTime = Duration.ofNanos(now - worker.spawnedAt);
				logger.info("pistil: worker " + worker + " ready in " + seconds(bootTime.toNanos()));
				publish(new WorkerReady(worker.spec.name(), worker.number, worker.pid, bootTime));
				WorkerProcess replaced = this.pools.get(worker.spec.name()).replacements.remove(worker);
				if (replaced != null) {
					retire(replaced, replaced.spec.gracefulTimeout(), now);
				}
			}
		}
		if (worker.killed) {
			return;
		}
		if (worker.retiring && now - worker.stopDeadline > 0) {
			logger.warn("pistil: worker " + worker + " did not stop in time: sending SIGKILL");
			kill(worker);
		}
		else if (worker.abortedAt != 0) {
			if (now - worker.abortedAt > THREAD_DUMP_GRACE.toNanos()) {
				logger.error("pistil: worker " + worker + " killed (SIGKILL) after its timeout");
				kill(worker);
			}
		}
		else if (worker.retiring) {
			return;
		}
		else if (worker.ready && now - worker.lastSeen > worker.spec.timeout().toNanos()) {
			abort(worker, now - worker.lastSeen, "has been silent for " + seconds(now - worker.lastSeen)
					+ ", past its timeout of " + worker.spec.timeout().toMillis() + " ms", now);
		}
		else if (!worker.ready && now - worker.spawnedAt > worker.spec.bootTimeout().toNanos()) {
			abort(worker, now - worker.spawnedAt,
					"has not become ready within its boot timeout of " + worker.spec.bootTimeout().toMillis() + " ms",
					now);
		}
		else if (worker.ready) {
			recycleIfDue(worker, now);
		}
	}

	/**
	 * Replaces a worker past its max-requests or max-memory as {@link #replace(long)}
	 * does: its replacement starts now, and it stops once the replacement is ready. A
	 * pool starts no more replacements at once than its reload-surge, and none while it
	 * reloads.
	 */
	private void recycleIfDue(WorkerProcess worker, long now) {
		Pool pool = this.pools.get(worker.spec.name());
		if (this.state != State.RUNNING || pool.reloading || pool.replacements.containsValue(worker)) {
			return;
		}
		if (pool.replacements.size() >= pool.spec.reloadSurge()) {
			return;
		}
		Scoreboard.Slot slot = this.scoreboard.slot(worker.slot);
		long requests = (slot.pid() == worker.pid) ? slot.requests() : 0;
		worker.spec.recycling().due(worker.pid, requests, worker.requestLimit).ifPresent((reason) -> {
			logger.info("pistil: worker " + worker + " " + reason + ": recycling it once its replacement is ready");
			spawn(pool, now, worker);
			worker.recycled = pool.replacements.containsValue(worker);
		});
	}

	/**
	 * A hung worker first gets SIGQUIT, so the JVM prints every thread's stack and the
	 * log shows where it hung.
	 */
	private void abort(WorkerProcess worker, long silence, String why, long now) {
		logger.error(
				"pistil: worker " + worker + " " + why + ": sending SIGQUIT (its thread dump follows), then SIGKILL");
		worker.abortedAt = now;
		publish(new WorkerTimedOut(worker.spec.name(), worker.number, worker.pid, Duration.ofNanos(silence)));
		this.processes.signal(worker.pid, UnixSignal.QUIT);
	}

	private void kill(WorkerProcess worker) {
		worker.killed = true;
		this.processes.signal(worker.pid, UnixSignal.KILL);
	}

	/** Moves a pool toward its desired count, or its rolling reload one step on. */
	private void manage(Pool pool, long now) {
		if (pool.failed) {
			return;
		}
		if (pool.reloading) {
			stepReload(pool, now);
			return;
		}
		int running = pool.active().size() - pool.replacements.size();
		if (running < pool.desired && now - pool.nextSpawnAt >= 0) {
			for (int missing = pool.desired - running; missing > 0 && mayBoot(); missing--) {
				spawn(pool, now, null);
			}
		}
		for (int extra = running - pool.desired; extra > 0; extra--) {
			pool.oldestActive().ifPresent((worker) -> retire(worker, worker.spec.gracefulTimeout(), now));
		}
	}

	/**
	 * Whether another worker may start booting: at most max-booting at once, so that on a
	 * small machine the first pools get ready early instead of every JVM booting slowly
	 * together. Pools are managed in declaration order, so the first ones boot first.
	 */
	private boolean mayBoot() {
		long booting = allWorkers().filter((worker) -> !worker.ready && !worker.retiring).count();
		return this.state != State.STOPPING && booting < this.options.maxBooting();
	}

	private void resize(Pool pool, int workers) {
		if (pool.desired != workers) {
			int old = pool.desired;
			pool.desired = workers;
			logger.info("pistil: pool " + pool.name() + " resized from " + old + " to " + workers + " worker(s)");
			publish(new PoolResized(pool.name(), old, workers));
			manage(pool, System.nanoTime());
		}
	}

	/**
	 * Asks a worker to stop: it finishes its current step, closes its context and exits.
	 */
	private void retire(WorkerProcess worker, Duration timeout, long now) {
		if (!worker.retiring) {
			worker.retiring = true;
			worker.stopDeadline = now + timeout.toNanos();
			if (worker.spec.shutdown() == ShutdownMode.BRUTAL) {
				kill(worker);
			}
			else {
				this.processes.signal(worker.pid, UnixSignal.TERM);
			}
		}
		else if (now + timeout.toNanos() - worker.stopDeadline < 0) {
			worker.stopDeadline = now + timeout.toNanos();
		}
	}

	private void requestReload(List<String> pools) {
		if (this.pools.values().stream().anyMatch((pool) -> pool.reloading)) {
			logger.info("pistil: reload of " + pools + " queued behind the reload in progress");
			this.pendingReloads.add(pools);
			return;
		}
		Map<String, WorkerSpec> specs = new HashMap<>();
		try {
			Supplier<List<WorkerSpec>> source = this.options.reloadSource();
			List<WorkerSpec> reloaded = (source != null) ? source.get()
					: this.pools.values().stream().map((pool) -> pool.spec).toList();
			reloaded.forEach((spec) -> specs.put(spec.name(), spec));
		}
		catch (RuntimeException ex) {
			logger.error("pistil: reload aborted, the pools are unchanged: " + ex.getMessage());
			return;
		}
		publish(new Reloading(pools));
		long now = System.nanoTime();
		for (String name : pools) {
			Pool pool = this.pools.get(name);
			WorkerSpec spec = specs.get(name);
			if (pool == null) {
				continue;
			}
			if (spec == null) {
				logger.warn("pistil: pool " + name + " is no longer configured; keeping it as it was");
				spec = pool.spec;
			}
			if (spec.type() == ChildType.SUPERVISOR && pool.spec.type() == ChildType.SUPERVISOR) {
				// A supervisor reloads its own subtree, rolling, and keeps what it owns
				// (such as listening sockets).
				pool.recover();
				pool.spec = spec;
				resize(pool, spec.workers());
				pool.active().forEach((supervisor) -> this.processes.signal(supervisor.pid, UnixSignal.HUP));
				logger.info("pistil: reload forwarded to the supervisors of pool " + name);
				continue;
			}
			try {
				this.listeners.listen(spec);
			}
			catch (ListenException ex) {
				logger.error("pistil: reload of pool " + name + " aborted, the pool is unchanged: " + ex.getMessage());
				continue;
			}
			pool.recover();
			pool.previousSpec = pool.spec;
			pool.spec = spec;
			pool.generation++;
			pool.reloading = true;
			resize(pool, spec.workers());
			logger.info("pistil: reloading pool " + name + " (generation " + pool.generation + ")");
			stepReload(pool, now);
		}
	}

	/**
	 * One step of a rolling reload: start new workers (at most reload-surge booting at
	 * once), and stop an old one each time more workers are ready than the pool needs, so
	 * the ready count never drops below the desired count.
	 */
	private void stepReload(Pool pool, long now) {
		List<WorkerProcess> old = pool.active()
			.stream()
			.filter((worker) -> worker.generation < pool.generation)
			.toList();
		old.stream()
			.filter((worker) -> !worker.ready)
			.forEach((worker) -> retire(worker, worker.spec.gracefulTimeout(), now));
		List<WorkerProcess> oldReady = old.stream()
			.filter((worker) -> worker.ready)
			.sorted(Comparator.comparingLong((worker) -> worker.age))
			.toList();
		if (oldReady.isEmpty()) {
			pool.reloading = false;
			pool.previousSpec = null;
			this.listeners.settle(pool.spec);
			logger.info("pistil: pool " + pool.name() + " reloaded");
			manage(pool, now);
			startPendingReload();
			return;
		}
		long ready = pool.readyCount();
		for (WorkerProcess worker : oldReady) {
			if (ready <= pool.desired) {
				break;
			}
			retire(worker, worker.spec.gracefulTimeout(), now);
			ready--;
		}
		List<WorkerProcess> fresh = pool.active()
			.stream()
			.filter((worker) -> worker.generation == pool.generation)
			.toList();
		long booting = fresh.stream().filter((worker) -> !worker.ready).count();
		long toSpawn = Math.min(pool.spec.reloadSurge() - booting, pool.desired - fresh.size());
		for (long spawned = 0; spawned < toSpawn && mayBoot(); spawned++) {
			spawn(pool, now, null);
		}
	}

	private void startPendingReload() {
		if (!this.pendingReloads.isEmpty() && this.pools.values().stream().noneMatch((pool) -> pool.reloading)) {
			requestReload(this.pendingReloads.remove(0));
		}
	}

	/**
	 * A new worker of a reload died before it was ready: the reload of its pool stops
	 * there.
	 */
	private void abortReload(Pool pool, WorkerProcess worker, ExitStatus status, String error) {
		logger.error("pistil: reload of pool " + pool.name() + " stopped: worker " + worker + " failed to start ("
				+ status + "); the old workers keep running. Its error:\n" + error);
		pool.active()
			.stream()
			.filter((other) -> other.generation == pool.generation && !other.ready)
			.forEach((other) -> retire(other, other.spec.gracefulTimeout(), System.nanoTime()));
		pool.spec = pool.previousSpec;
		pool.previousSpec = null;
		pool.reloading = false;
		this.listeners.settle(pool.spec);
		resize(pool, pool.spec.workers());
		startPendingReload();
	}

	/**
	 * Spawns one worker.
	 * @param pool its pool
	 * @param now the time
	 * @param replaced a worker to retire once the new one is ready, or null
	 */
	private void spawn(Pool pool, long now, WorkerProcess replaced) {
		WorkerSpec spec = pool.spec;
		int slot = this.usedSlots.nextClearBit(0);
		if (slot >= this.scoreboard.capacity()) {
			throw new IllegalStateException("pistil: more than " + this.scoreboard.capacity() + " workers");
		}
		int number = pool.freeNumber();
		publish(new WorkerSpawning(spec.name(), number));
		this.scoreboard.slot(slot).clear();
		ChildArguments child = new ChildArguments(this.pid, spec.name(), spec.type(), this.launch.pathOf(spec.name()),
				number, slot, this.runDirectory, spec.workerClass(), spec.beanName(), spec.context(),
				this.launch.applicationClass(), this.launch.profiles(), spec.pause(), spec.args(),
				this.launch.applicationArguments());
		Map<String, String> environment = new HashMap<>(this.launch.environment());
		environment.keySet().removeAll(Systemd.VARIABLES);
		environment.putAll(spec.environment());
		List<String> jvmOptions = new ArrayList<>(spec.jvmOptions());
		WorkerLaunchCustomizer.WorkerLaunch launch = new WorkerLaunchCustomizer.WorkerLaunch(spec.name(), number,
				jvmOptions, environment);
		this.options.customizers().forEach((customizer) -> customizer.customize(launch));
		jvmOptions.addAll(this.listeners.jvmOptions(spec));
		SpawnedProcess process;
		try {
			process = this.processes.spawn(new SpawnRequest(this.launch.javaExecutable(),
					LaunchSettings.jvmArguments(jvmOptions, child, this.childClassPath), environment,
					this.listeners.descriptors(spec)));
		}
		catch (SpawnException ex) {
			if (this.state == State.STARTING) {
				this.startFailure = ex;
				beginStop(false);
			}
			else {
				logger.error("pistil: cannot start worker " + child.workerName() + ", retrying: " + ex.getMessage());
				pool.nextSpawnAt = now + spec.restart().backoffMin().toNanos();
			}
			return;
		}
		this.usedSlots.set(slot);
		String name = child.workerName();
		String prefix = "[" + name + " pid " + process.pid() + "] ";
		List<OutputRelay> streams = List.of(
				new OutputRelay("pistil-out-" + name, prefix, process.output(), this.options.out()),
				new OutputRelay("pistil-err-" + name, prefix, process.errors(), this.options.err()));
		this.relays.addAll(streams);
		WorkerProcess worker = new WorkerProcess(spec, number, slot, process.pid(), this.nextAge++, pool.generation,
				now, streams);
		worker.requestLimit = spec.recycling().requestLimit();
		pool.workers.add(worker);
		if (replaced != null) {
			pool.replacements.put(worker, replaced);
		}
		logger.info("pistil: worker " + worker + " spawned");
		publish(new WorkerStarted(spec.name(), number, process.pid()));
		// onExit fires without reaping; the arbiter thread then reaps with waitpid.
		ProcessHandle.of(process.pid())
			.ifPresentOrElse((handle) -> handle.onExit().thenRun(() -> this.commands.add(() -> exited(pool, worker))),
					() -> this.commands.add(() -> exited(pool, worker)));
	}

	private void exited(Pool pool, WorkerProcess worker) {
		ExitStatus status = this.processes.waitFor(worker.pid);
		// A worker may get ready and end between two ticks: its slot still tells.
		observe(worker, System.nanoTime());
		pool.workers.remove(worker);
		this.scoreboard.slot(worker.slot).clear();
		this.usedSlots.clear(worker.slot);
		this.relays.removeIf(OutputRelay::finished);
		String bootError = takeBootError(worker.pid);
		ExitCause cause = cause(worker, status);
		publish(new WorkerExited(pool.name(), worker.number, worker.pid, status, cause));
		// Ending before its replacement, or as a replacement, the worker ends the
		// replacement too.
		WorkerProcess replaced = pool.replacements.remove(worker);
		if (replaced != null) {
			replaced.recycled = false;
		}
		pool.replacements.values().remove(worker);
		if (cause == ExitCause.REQUESTED || cause == ExitCause.RECYCLED || this.state == State.STOPPING) {
			logger.info("pistil: worker " + worker + " " + status);
			return;
		}
		pool.restarts++;
		if (this.state == State.STARTING && !worker.ready) {
			failStart(worker, status, bootError);
			return;
		}
		if (!worker.ready && pool.reloading && worker.generation == pool.generation) {
			abortReload(pool, worker, status, (bootError != null) ? bootError : awaitTail(worker));
			return;
		}
		restartOrShrink(pool, worker, status, cause);
	}

	/**
	 * Applies the pool's restart policy and the arbiter's strategy to a worker that ended
	 * by itself.
	 */
	private void restartOrShrink(Pool pool, WorkerProcess worker, ExitStatus status, ExitCause cause) {
		RestartPolicy policy = pool.spec.restart();
		if (!policy.type().restarts(cause == ExitCause.NORMAL)) {
			logger.info("pistil: worker " + worker + " " + status + "; not restarted (" + policy.type() + ")");
			resize(pool, pool.desired - 1);
			return;
		}
		long now = System.nanoTime();
		if (pool.restartExceedsIntensity(now)) {
			giveUp(pool);
			return;
		}
		pool.crashStreak = (now - worker.spawnedAt > policy.backoffReset().toNanos()) ? 1 : pool.crashStreak + 1;
		Duration delay = policy.backoff(pool.crashStreak, cause == ExitCause.BOOT_FAILURE);
		pool.nextSpawnAt = now + delay.toNanos();
		logger.warn("pistil: worker " + worker + " " + status + describe(cause) + "; restarting it"
				+ (delay.isZero() ? "" : " in " + seconds(delay.toNanos())));
		restartSiblings(pool, now);
		manage(pool, now);
	}

	/**
	 * ONE_FOR_ALL and REST_FOR_ONE: the siblings stop, and their pools start them again.
	 */
	private void restartSiblings(Pool pool, long now) {
		Strategy strategy = this.options.strategy();
		if (strategy == Strategy.ONE_FOR_ONE) {
			return;
		}
		boolean after = false;
		for (Pool other : this.pools.values()) {
			boolean affected = (strategy == Strategy.ONE_FOR_ALL) || after;
			after = after || other == pool;
			if (affected && !other.failed) {
				other.active().forEach((sibling) -> retire(sibling, sibling.spec.gracefulTimeout(), now));
				logger.info("pistil: " + strategy + ": restarting the workers of pool " + other.name());
			}
		}
	}

	/**
	 * Past its restart intensity a pool stops its workers and waits for a reload or a
	 * scale.
	 */
	private void giveUp(Pool pool) {
		RestartPolicy policy = pool.spec.restart();
		logger.error("pistil: pool " + pool.name() + " gave up: more than " + policy.maxRestarts() + " restarts within "
				+ seconds(policy.period().toNanos()) + "; it runs no worker until it is reloaded or scaled");
		pool.failed = true;
		pool.reloading = false;
		long now = System.nanoTime();
		pool.active().forEach((worker) -> retire(worker, worker.spec.gracefulTimeout(), now));
		publish(new PoolFailed(pool.name(), pool.restartTimes.size(), policy.period()));
	}

	private static ExitCause cause(WorkerProcess worker, ExitStatus status) {
		if (worker.retiring) {
			return worker.recycled ? ExitCause.RECYCLED : ExitCause.REQUESTED;
		}
		if (worker.abortedAt != 0) {
			return ExitCause.TIMEOUT;
		}
		if (!worker.ready) {
			return ExitCause.BOOT_FAILURE;
		}
		if (status.signalled()) {
			return ExitCause.KILLED;
		}
		return (status.code() == 0) ? ExitCause.NORMAL : ExitCause.CRASH;
	}

	private static String describe(ExitCause cause) {
		return switch (cause) {
			case TIMEOUT -> " after its timeout";
			case BOOT_FAILURE -> " before it was ready";
			default -> "";
		};
	}

	private void failStart(WorkerProcess worker, ExitStatus status, String bootError) {
		String report = (bootError != null) ? bootError : awaitTail(worker);
		logger.error("pistil: worker " + worker + " failed to start (" + status + "); stopping");
		this.startFailure = new WorkerBootException(worker.toString(), status.toString(), report);
		beginStop(false);
	}

	private static String awaitTail(WorkerProcess worker) {
		awaitRelays(worker.relays);
		return worker.errorTail();
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
			this.pendingReloads.clear();
			this.pools.values().forEach((pool) -> pool.reloading = false);
			logger.info("pistil arbiter (pid " + this.pid + ") stopping " + allWorkers().count() + " worker(s)"
					+ (quick ? " quickly" : ""));
			publish(new ArbiterStopping(this.pid));
		}
		long now = System.nanoTime();
		allWorkers()
			.forEach((worker) -> retire(worker, quick ? QUICK_STOP_TIMEOUT : worker.spec.gracefulTimeout(), now));
	}

	private void cleanUp() {
		this.state = State.STOPPED;
		awaitRelays(this.relays);
		this.listeners.close();
		deleteRunDirectory();
		RuntimeException failure = (this.startFailure != null) ? this.startFailure
				: new IllegalStateException("pistil arbiter stopped before every worker was ready");
		this.started.completeExceptionally(failure);
		publish(new ArbiterStopped(this.pid));
		this.stopped.complete(null);
		logger.info("pistil arbiter (pid " + this.pid + ") stopped");
	}

	private void publish(ArbiterEvent event) {
		for (ArbiterListener listener : this.options.listeners()) {
			try {
				listener.onEvent(event);
			}
			catch (RuntimeException ex) {
				logger.error("pistil: a listener failed on " + event + "; carrying on", ex);
			}
		}
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

	/**
	 * An arbiter killed by SIGKILL leaves its run directory behind: the next one removes
	 * it.
	 */
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
		return this.pools.values().stream().flatMap((pool) -> pool.workers.stream()).toList().stream();
	}

	private boolean everyPoolReady() {
		return this.pools.values()
			.stream()
			.allMatch((pool) -> pool.failed
					|| (pool.active().size() == pool.desired && pool.readyCount() == pool.desired));
	}

	private PoolSnapshot snapshot(Pool pool, long now) {
		List<WorkerSnapshot> workers = pool.workers.stream()
			.sorted(Comparator.comparingInt((worker) -> worker.number))
			.map((worker) -> {
				Scoreboard.Slot slot = this.scoreboard.slot(worker.slot);
				boolean own = slot.pid() == worker.pid;
				String state = worker.retiring ? "stopping"
						: !worker.ready ? "booting" : (own && slot.busy()) ? "busy" : "idle";
				return new WorkerSnapshot(worker.number, worker.pid, state, worker.generation, worker.startedAt,
						Duration.ofNanos(now - worker.lastSeen), own ? slot.requests() : 0);
			})
			.toList();
		return new PoolSnapshot(pool.name(), pool.spec.type().name().toLowerCase(Locale.ROOT), pool.state(),
				pool.desired, pool.active().size(), (int) pool.readyCount(), pool.spec.minWorkers(),
				pool.spec.maxWorkers(), pool.restarts, workers);
	}

	private String describePools() {
		return this.pools.values()
			.stream()
			.map((pool) -> pool.name() + " (" + pool.desired + ")")
			.reduce((a, b) -> a + ", " + b)
			.orElse("no pools");
	}

	private static String seconds(long nanos) {
		return String.format("%.1fs", nanos / 1e9);
	}

}
