package io.pistil.arbiter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.ArbiterFailed;
import io.pistil.arbiter.ArbiterEvent.ArbiterReady;
import io.pistil.arbiter.ArbiterEvent.ArbiterStarting;
import io.pistil.arbiter.ArbiterEvent.ArbiterStopped;
import io.pistil.arbiter.ArbiterEvent.ArbiterStopping;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.process.ProcessControl;

/**
 * The arbiter's state and what happens to it, on the arbiter thread: it wires the parts
 * (launcher, watchdog, reaper, supervisor, scaler, rolling reload) together, runs a tick,
 * handles a worker's end, and applies the operations of {@link Arbiter}. After each tick
 * and command it publishes a snapshot that readers take without waiting.
 */
final class Engine implements ArbiterLoop.Body, Watchdog.Findings {

	private static final Log logger = LogFactory.getLog(Engine.class);

	/** How long workers get to stop on a quick stop (SIGINT). */
	static final Duration QUICK_STOP_TIMEOUT = Duration.ofSeconds(1);

	private final long pid;

	private final ArbiterOptions options;

	private final ProcessControl processes;

	private final Lifecycle lifecycle;

	private final Pools pools;

	private final PoolListeners listeners;

	private final RunDirectory runDirectory;

	private final CachedStarts cachedStarts;

	private final Events events;

	private final WorkerSignals signals;

	private final Launcher launcher;

	private final Watchdog watchdog;

	private final Reaper reaper;

	private final Scaler scaler;

	private final RollingReload reload;

	private final Supervisor supervisor;

	private final Replacements replacements;

	private final Consumer<Runnable> commands;

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private final CompletableFuture<Void> ended = new CompletableFuture<>();

	private final Instant startedAt;

	private volatile ArbiterSnapshot snapshot;

	private RuntimeException startFailure;

	Engine(long pid, Pools pools, LaunchSettings launch, ProcessControl processes, ArbiterOptions options,
			Lifecycle lifecycle, PoolListeners listeners, RunDirectory runDirectory, ChildClassPath childClassPath,
			Consumer<Runnable> commands) {
		this.pid = pid;
		this.pools = pools;
		this.options = options;
		this.processes = processes;
		this.lifecycle = lifecycle;
		this.listeners = listeners;
		this.runDirectory = runDirectory;
		this.cachedStarts = new CachedStarts(childClassPath.cache());
		this.commands = commands;
		this.events = new Events(options.listeners());
		this.signals = new WorkerSignals(processes, this.events);
		this.launcher = new Launcher(pid, launch, processes, options, listeners, runDirectory, childClassPath,
				this.events);
		this.watchdog = new Watchdog(runDirectory, this.signals, this);
		this.reaper = new Reaper(processes, this.signals, this.watchdog, this.launcher, runDirectory, this.events);
		this.scaler = new Scaler(pools, lifecycle, this.signals, this.events, options.maxBooting(), this::spawn);
		this.reload = new RollingReload(pools, this.scaler, this::spawn, this.signals, listeners, this.events,
				(options.reloadSource() != null) ? options.reloadSource()
						: () -> pools.all().stream().map((pool) -> pool.spec).toList());
		this.supervisor = new Supervisor(pools, lifecycle, this.scaler, this.reload, this.events, options.strategy(),
				this::failStart);
		this.replacements = new Replacements(pools, lifecycle, this.signals, this::spawn);
		this.startedAt = options.clock().instant();
		publishSnapshot(now());
	}

	/** Completes once every pool has been ready, or exceptionally if the start failed. */
	CompletableFuture<Void> ready() {
		return this.ready;
	}

	/** Completes once the arbiter has ended: stopped, or failed. */
	CompletableFuture<Void> finished() {
		return this.ended;
	}

	ArbiterSnapshot snapshot() {
		return this.snapshot;
	}

	RunDirectory runDirectory() {
		return this.runDirectory;
	}

	/** The first command of the loop: every pool's first workers. */
	void begin() {
		this.events.publish(new ArbiterStarting(this.pid, List.copyOf(this.pools.names())));
		manageAll(now());
	}

	@Override
	public void tick() {
		long now = now();
		for (WorkerProcess worker : this.pools.workers()) {
			contain(() -> this.watchdog.observe(worker, now), "watching worker " + worker);
		}
		manageAll(now);
		if (this.lifecycle.is(ArbiterState.STARTING) && this.pools.complete()) {
			this.lifecycle.moveTo(ArbiterState.RUNNING);
			logger.info("pistil arbiter (pid " + this.pid + ") ready: " + describePools());
			this.events.publish(new ArbiterReady(this.pid));
			this.ready.complete(null);
		}
		publishSnapshot(now);
		ArbiterSnapshot published = this.snapshot;
		this.options.heartbeats().forEach((heartbeat) -> contain(() -> heartbeat.beat(published), "a heartbeat"));
	}

	/**
	 * Moves every pool on: a failure in one is logged and the others are still managed.
	 */
	private void manageAll(long now) {
		for (Pool pool : this.pools.all()) {
			contain(() -> {
				switch (pool.state) {
					case RUNNING -> this.scaler.manage(pool, now);
					case RELOADING -> this.reload.step(pool, now);
					case STOPPING -> this.reload.dropIfStopped(pool);
					case FAILED -> {
					}
				}
			}, "managing pool " + pool.name());
		}
	}

	/**
	 * Runs one step for one pool or worker: its failure is logged and the others' steps
	 * still run; only a failure of the JVM itself goes on.
	 */
	private static void contain(Runnable step, String what) {
		try {
			step.run();
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			logger.error("pistil: " + what + " failed; the rest carries on", ex);
		}
	}

	/** The loop is over once the arbiter stops and its last worker is gone. */
	@Override
	public boolean done() {
		return this.lifecycle.is(ArbiterState.STOPPING) && this.pools.workers().isEmpty();
	}

	/**
	 * Spawns one worker, which replaces another if asked to.
	 * @return whether it was spawned
	 */
	private boolean spawn(Pool pool, long now, Pool.Replacement replacement) {
		WorkerProcess worker;
		try {
			// A replacement takes the number of the worker it replaces.
			int number = (replacement != null) ? replacement.replaced().number : pool.freeNumber();
			worker = this.launcher.launch(pool, number, now, (ended) -> this.commands.accept(() -> exited(ended)));
		}
		catch (WorkerLaunchException ex) {
			this.supervisor.launchFailed(pool, ex, now);
			return false;
		}
		pool.workers.add(worker);
		if (replacement != null) {
			pool.replacements.put(worker, replacement);
		}
		return true;
	}

	/** A worker's process has ended: reap it and decide what follows. */
	private void exited(WorkerProcess worker) {
		Pool pool = this.pools.find(worker.spec.name()).filter((owner) -> owner.workers.contains(worker)).orElse(null);
		if (pool == null) {
			return;
		}
		long now = now();
		Exit exit = this.reaper.reap(pool, worker, now);
		this.replacements.ended(pool, worker);
		if (!this.cachedStarts.refused(pool, exit)) {
			this.supervisor.ended(pool, exit, now);
		}
		afterCommand();
	}

	@Override
	public void ready(WorkerProcess worker, long now) {
		Duration bootTime = Duration.ofNanos(now - worker.spawnedAt);
		this.cachedStarts.ready(worker, bootTime);
		logger.info("pistil: worker " + worker + " ready in " + Watchdog.seconds(bootTime.toNanos()));
		this.events.publish(new WorkerReady(worker.spec.name(), worker.number, worker.pid, bootTime));
		this.replacements.ready(worker, now);
	}

	@Override
	public void recycleDue(WorkerProcess worker, String reason, long now) {
		this.replacements.recycle(worker, reason, now);
	}

	PoolSnapshot scale(String name, int workers) {
		Pool pool = this.pools.get(name);
		if (workers < pool.spec.minWorkers() || workers > pool.spec.maxWorkers()) {
			throw new IllegalArgumentException("Pool '" + name + "' takes between " + pool.spec.minWorkers() + " and "
					+ pool.spec.maxWorkers() + " workers, not " + workers);
		}
		return resize(pool, workers);
	}

	PoolSnapshot increment(String name) {
		Pool pool = this.pools.get(name);
		return resize(pool, Math.min(pool.desired + 1, pool.spec.maxWorkers()));
	}

	PoolSnapshot decrement(String name) {
		Pool pool = this.pools.get(name);
		return resize(pool, Math.max(pool.desired - 1, pool.spec.minWorkers()));
	}

	/** A scale brings a pool that gave up back. */
	private PoolSnapshot resize(Pool pool, int workers) {
		if (pool.state == PoolState.STOPPING) {
			throw new CommandRefusedException("Pool '" + pool.name() + "' is being removed");
		}
		pool.recover();
		this.scaler.resize(pool, workers);
		afterCommand();
		return this.snapshot.pool(pool.name()).orElseThrow();
	}

	void stopAllWorkers() {
		this.pools.all().stream().filter(Pool::managed).forEach((pool) -> this.scaler.resize(pool, 0));
		afterCommand();
	}

	void reloadAll() {
		this.reload.reloadAll(now());
		afterCommand();
	}

	void reload(String pool) {
		this.reload.reload(pool, now());
		afterCommand();
	}

	void replace(long workerPid) {
		this.replacements.replace(workerPid, now());
		afterCommand();
	}

	/**
	 * Stops every worker; a quick stop gives them a second. A stop while starting fails
	 * the start.
	 * @param quick whether to stop quickly
	 */
	void beginStop(boolean quick) {
		if (!this.lifecycle.state().running()) {
			return;
		}
		long now = now();
		if (this.lifecycle.moveTo(ArbiterState.STOPPING)) {
			this.reload.clear();
			logger.info("pistil arbiter (pid " + this.pid + ") stopping " + this.pools.workers().size() + " worker(s)"
					+ (quick ? " quickly" : ""));
			this.events.publish(new ArbiterStopping(this.pid));
		}
		for (WorkerProcess worker : this.pools.workers()) {
			this.signals.retire(worker, ExitCause.REQUESTED, quick ? QUICK_STOP_TIMEOUT : worker.spec.gracefulTimeout(),
					now);
		}
		publishSnapshot(now);
	}

	private void failStart(RuntimeException failure) {
		if (this.startFailure == null) {
			this.startFailure = failure;
		}
		beginStop(false);
	}

	/** Every worker stopped and reaped: close everything and say so. */
	@Override
	public void ended() {
		this.lifecycle.moveTo(ArbiterState.STOPPED);
		closeEverything();
		this.events.publish(new ArbiterStopped(this.pid));
		logger.info("pistil arbiter (pid " + this.pid + ") stopped");
		endWith(null);
	}

	/**
	 * The loop failed: stop and reap every worker first, then close everything; each step
	 * is tried whatever the one before did.
	 */
	@Override
	public void failed(Throwable failure) {
		try {
			contain(() -> logger.error("pistil arbiter (pid " + this.pid + ") failed; stopping every worker", failure),
					"logging");
			contain(() -> new EmergencyStop(this.processes).stop(this.pools.workers()), "stopping every worker");
			contain(this::closeEverything, "cleaning up");
			contain(() -> this.lifecycle.moveTo(ArbiterState.FAILED), "failing");
			publishSnapshot(now());
			this.events.publish(new ArbiterFailed(this.pid, failure));
		}
		finally {
			endWith(new IllegalStateException("The pistil arbiter failed: " + failure, failure));
		}
	}

	private void closeEverything() {
		this.launcher.awaitOutput();
		this.cachedStarts.close();
		this.listeners.close();
		this.runDirectory.close();
		publishSnapshot(now());
	}

	private void endWith(RuntimeException failure) {
		RuntimeException startFailure = (this.startFailure != null) ? this.startFailure : (failure != null) ? failure
				: new IllegalStateException("pistil arbiter stopped before every worker was ready");
		this.ready.completeExceptionally(startFailure);
		this.ended.complete(null);
	}

	/** After each command: move the pools on, and show it. */
	private void afterCommand() {
		long now = now();
		manageAll(now);
		publishSnapshot(now);
	}

	private void publishSnapshot(long now) {
		this.snapshot = new ArbiterSnapshot(this.pid, this.lifecycle.state(), this.startedAt,
				this.pools.all().stream().map((pool) -> PoolSnapshots.of(pool, this.watchdog, now)).toList());
	}

	private long now() {
		return this.options.clock().nanoTime();
	}

	private String describePools() {
		return this.pools.all()
			.stream()
			.map((pool) -> pool.name() + " (" + pool.desired + ")")
			.reduce((a, b) -> a + ", " + b)
			.orElse("no pools");
	}

}
