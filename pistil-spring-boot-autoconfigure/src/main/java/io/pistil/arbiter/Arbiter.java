package io.pistil.arbiter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.cache.JavaRuntime;
import io.pistil.cache.StartupCache;
import io.pistil.net.ListenException;
import io.pistil.process.ProcessControl;

/**
 * Spawns and supervises pools of child JVM workers: restarts the ones that die, kills the
 * ones that hang (after a thread dump), scales pools, replaces workers by rolling
 * reloads, and stops them all in order.
 *
 * <p>
 * One thread, the arbiter thread, owns every pool and worker record. The public methods
 * only enqueue a command for it and wait for its answer at most
 * {@link ArbiterOptions#callTimeout()}; reads ({@link #snapshot()}) never wait: they take
 * the snapshot the arbiter thread published last.
 */
public final class Arbiter implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Arbiter.class);

	private static final Duration TICK = Duration.ofMillis(100);

	private static final int SCOREBOARD_SLOTS = 1024;

	private final long pid = ProcessHandle.current().pid();

	private final LaunchSettings launch;

	private final ProcessControl processes;

	private final ArbiterOptions options;

	private final Pools pools = new Pools();

	private final Lifecycle lifecycle = new Lifecycle();

	private final ArbiterLoop loop;

	private volatile Engine engine;

	/**
	 * Creates an arbiter.
	 * @param specs the pools, validated, with distinct names
	 * @param launch how to start child JVMs
	 * @param processes the native process layer
	 * @param options output, listeners, customizers, reload source, clock
	 * @throws InvalidSpecException if two pools have one name, or the pools together may
	 * run more workers than the scoreboard has slots
	 */
	public Arbiter(List<WorkerSpec> specs, LaunchSettings launch, ProcessControl processes, ArbiterOptions options) {
		this.launch = launch;
		this.processes = processes;
		this.options = options;
		this.loop = new ArbiterLoop(TICK, options.callTimeout());
		specs.forEach((spec) -> this.pools.add(new Pool(spec)));
		checkScoreboardRoom(specs);
	}

	/**
	 * Every worker takes a scoreboard slot, those a rolling reload starts before retiring
	 * old ones included: a scale or reload must never find the scoreboard full.
	 */
	private static void checkScoreboardRoom(List<WorkerSpec> specs) {
		long workers = 0;
		for (WorkerSpec spec : specs) {
			workers += (long) spec.maxWorkers() + spec.reloadSurge();
			if (workers > SCOREBOARD_SLOTS) {
				throw new InvalidSpecException(spec.name(), "max-workers", spec.maxWorkers(),
						"the pools up to this one may run " + workers + " workers at once (max-workers plus "
								+ "reload-surge of each), more than the scoreboard's " + SCOREBOARD_SLOTS + " slots");
			}
		}
	}

	/**
	 * The children's class path (unpacking a jar fills the disk as much as the rest), and
	 * the start-up cache for it.
	 */
	private ChildClassPath childClassPath(RunDirectory runDirectory) {
		Path cacheDirectory = this.options.startupCacheDirectory();
		if (cacheDirectory != null) {
			boolean existed = Files.isDirectory(cacheDirectory);
			try {
				StartupCache.prepareDirectory(cacheDirectory);
				return withCache(this.launch.childClassPath(runDirectory.path(), cacheDirectory), cacheDirectory);
			}
			catch (IOException | UncheckedIOException ex) {
				logger.warn("pistil: no start-up cache for the workers: cannot use " + cacheDirectory
						+ " (pistil.cache.directory): " + ex.getMessage());
				if (!existed) {
					deleteIfEmpty(cacheDirectory);
				}
			}
		}
		try {
			return new ChildClassPath(this.launch.childClassPath(runDirectory.path(), null), null);
		}
		catch (UncheckedIOException ex) {
			throw new RunDirectoryException(this.options.runDirectoryParent(), ex);
		}
	}

	/** A cache directory made just now for nothing (a full disk) goes again. */
	private static void deleteIfEmpty(Path directory) {
		try {
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			// Not empty, or not ours to remove: a cache directory may stay.
		}
	}

	private ChildClassPath withCache(String classPath, Path cacheDirectory) {
		try {
			return new ChildClassPath(classPath,
					StartupCache.open(cacheDirectory, JavaRuntime.of(this.launch.javaExecutable()), classPath)
						.orElse(null));
		}
		catch (IOException ex) {
			logger.warn("pistil: no start-up cache for the workers: cannot tell which JVM "
					+ this.launch.javaExecutable() + " is: " + ex.getMessage());
			return new ChildClassPath(classPath, null);
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
	 * @throws RunDirectoryException if the run directory cannot be made
	 */
	public synchronized void begin() {
		if (!this.lifecycle.is(ArbiterState.NEW)) {
			throw new IllegalStateException("The arbiter has already been started");
		}
		RunDirectory.sweep(this.options.runDirectoryParent());
		RunDirectory runDirectory = RunDirectory.create(this.options.runDirectoryParent(), this.pid, SCOREBOARD_SLOTS);
		PoolListeners listeners = null;
		try {
			ChildClassPath childClassPath = childClassPath(runDirectory);
			listeners = new PoolListeners(this.processes.sockets(), this.launch.environment(), this.pid);
			listeners.open(this.pools.all().stream().map((pool) -> pool.spec).toList());
			this.lifecycle.moveTo(ArbiterState.STARTING);
			this.engine = new Engine(this.pid, this.pools, this.launch, this.processes, this.options, this.lifecycle,
					listeners, runDirectory, childClassPath, this.loop::submit);
		}
		catch (RuntimeException ex) {
			if (listeners != null) {
				listeners.close();
			}
			runDirectory.close();
			this.lifecycle.moveTo(ArbiterState.STOPPED);
			throw ex;
		}
		this.loop.submit(this.engine::begin);
		this.loop.start(this.engine);
	}

	/**
	 * Waits until every pool's workers are ready, {@link #begin() beginning} first if
	 * need be.
	 * @throws WorkerBootException if a worker dies before it is ready; every other worker
	 * is stopped first
	 * @throws IllegalStateException if the arbiter was stopped before every pool was
	 * ready
	 */
	public void awaitReady() {
		synchronized (this) {
			if (this.lifecycle.is(ArbiterState.NEW)) {
				begin();
			}
		}
		try {
			this.engine.ready().join();
		}
		catch (CompletionException ex) {
			this.engine.finished().join();
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	/**
	 * Stops every worker gracefully (SIGTERM, then SIGKILL after its graceful timeout)
	 * and waits. Called by an arbiter listener, on the arbiter thread, it only begins the
	 * stop.
	 */
	public void stop() {
		stop(false);
	}

	/** Stops every worker quickly (SIGTERM, then SIGKILL after a second) and waits. */
	public void stopQuickly() {
		stop(true);
	}

	private void stop(boolean quick) {
		Engine running;
		synchronized (this) {
			if (this.lifecycle.is(ArbiterState.NEW)) {
				this.lifecycle.moveTo(ArbiterState.STOPPED);
				return;
			}
			running = this.engine;
		}
		if (running == null) {
			return;
		}
		this.loop.submit(() -> running.beginStop(quick));
		if (!this.loop.onLoopThread()) {
			running.finished().join();
		}
	}

	/** Whether the arbiter has started and not yet ended. */
	public boolean isRunning() {
		return this.lifecycle.state().running();
	}

	/** Where the arbiter is in its life. */
	public ArbiterState state() {
		return this.lifecycle.state();
	}

	@Override
	public void close() {
		stop();
	}

	/**
	 * Sets a pool's worker count: spawns workers, or retires the oldest gracefully. A
	 * pool that gave up (FAILED) starts again.
	 * @param pool the pool
	 * @param workers the new count, between the pool's min-workers and max-workers
	 * @return the pool after the change
	 * @throws NoSuchPoolException for an unknown pool
	 * @throws IllegalArgumentException for a count out of the pool's bounds; the pool is
	 * unchanged
	 * @throws CommandRefusedException if the pool is being removed, or the arbiter is not
	 * running
	 */
	public PoolSnapshot scale(String pool, int workers) {
		return call(() -> this.engine.scale(pool, workers));
	}

	/**
	 * Adds a worker to a pool (SIGTTIN); at max-workers, does nothing. A pool that gave
	 * up starts again.
	 * @param pool the pool
	 * @return the pool after the change
	 */
	public PoolSnapshot increment(String pool) {
		return call(() -> this.engine.increment(pool));
	}

	/**
	 * Retires a pool's oldest worker gracefully (SIGTTOU); at min-workers, does nothing.
	 * @param pool the pool
	 * @return the pool after the change
	 */
	public PoolSnapshot decrement(String pool) {
		return call(() -> this.engine.decrement(pool));
	}

	/**
	 * Sets every pool's worker count to 0, stopping every worker gracefully; the arbiter
	 * keeps running (SIGWINCH).
	 */
	public void stopAllWorkers() {
		call(() -> {
			this.engine.stopAllWorkers();
			return null;
		});
	}

	/**
	 * Replaces every worker of every pool by a rolling reload, with the configuration
	 * read anew (SIGHUP): pools it gained start, pools it lost stop. Returns once the
	 * reload has begun (or been queued behind one in progress).
	 */
	public void reload() {
		call(() -> {
			this.engine.reloadAll();
			return null;
		});
	}

	/**
	 * Replaces every worker of one pool by a rolling reload.
	 * @param pool the pool
	 */
	public void reload(String pool) {
		call(() -> {
			this.engine.reload(pool);
			return null;
		});
	}

	/**
	 * Replaces one worker gracefully: its replacement is started, and it is stopped once
	 * the replacement is ready.
	 * @param pid the worker's pid
	 * @throws IllegalArgumentException if no worker has this pid
	 * @throws CommandRefusedException if its pool is reloading, or it is already stopping
	 */
	public void replace(long pid) {
		call(() -> {
			this.engine.replace(pid);
			return null;
		});
	}

	/**
	 * Returns a view of every pool and worker, as the arbiter thread published it last
	 * (at most a tick ago): it never waits.
	 */
	public ArbiterSnapshot snapshot() {
		Engine current = this.engine;
		if (current == null) {
			return new ArbiterSnapshot(this.pid, this.lifecycle.state(), null,
					this.pools.all().stream().map(PoolSnapshots::empty).toList());
		}
		return current.snapshot();
	}

	/** The pool names. */
	public List<String> poolNames() {
		return snapshot().pools().stream().map(PoolSnapshot::name).toList();
	}

	/**
	 * The run directory, where the scoreboard and what else the children share lives.
	 * @return its path
	 * @throws IllegalStateException before the arbiter has begun
	 */
	public Path runDirectory() {
		Engine current = this.engine;
		if (current == null) {
			throw new IllegalStateException("The arbiter has not begun");
		}
		return current.runDirectory().path();
	}

	/**
	 * Runs a tick now, after every command queued before it, then the commands it queued
	 * itself (the exits of the workers it signalled): tests move a fake clock, tick, and
	 * read a snapshot that no exit is still on its way to.
	 */
	void tick() {
		call(() -> {
			this.engine.tick();
			return null;
		});
		call(() -> null);
	}

	private <T> T call(Supplier<T> operation) {
		if (!isRunning()) {
			throw new CommandRefusedException("The arbiter is not running");
		}
		return this.loop.call(operation);
	}

}
