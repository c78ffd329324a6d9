package io.pistil.arbiter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How an arbiter talks to its surroundings. Immutable: each {@code with} method returns a
 * copy.
 */
public final class ArbiterOptions {

	private PrintStream out = System.out;

	private PrintStream err = System.err;

	private List<ArbiterListener> listeners = List.of();

	private List<WorkerLaunchCustomizer> customizers = List.of();

	private List<ArbiterHeartbeat> heartbeats = List.of();

	private Supplier<List<WorkerSpec>> reloadSource;

	private Strategy strategy = Strategy.ONE_FOR_ONE;

	private int maxBooting = defaultMaxBooting();

	private ArbiterClock clock = ArbiterClock.SYSTEM;

	private Duration callTimeout = Duration.ofSeconds(10);

	private Path runDirectoryParent = Path.of(System.getProperty("java.io.tmpdir"));

	private Path startupCacheDirectory;

	private ArbiterOptions() {
	}

	/**
	 * The process's own streams, no listener, no customizer, reloads with the same specs,
	 * one-for-one, one more worker booting at once than the machine has cores, the system
	 * clock, calls that wait 10 s at most, run directories in {@code java.io.tmpdir}.
	 */
	public static ArbiterOptions defaults() {
		return new ArbiterOptions();
	}

	public static int defaultMaxBooting() {
		// A booting JVM also waits on its disk: one more than the cores keeps them busy.
		return Runtime.getRuntime().availableProcessors() + 1;
	}

	private ArbiterOptions copy() {
		ArbiterOptions copy = new ArbiterOptions();
		copy.out = this.out;
		copy.err = this.err;
		copy.listeners = this.listeners;
		copy.customizers = this.customizers;
		copy.heartbeats = this.heartbeats;
		copy.reloadSource = this.reloadSource;
		copy.strategy = this.strategy;
		copy.maxBooting = this.maxBooting;
		copy.clock = this.clock;
		copy.callTimeout = this.callTimeout;
		copy.runDirectoryParent = this.runDirectoryParent;
		copy.startupCacheDirectory = this.startupCacheDirectory;
		return copy;
	}

	/**
	 * Where the children's output goes, line by line.
	 * @param out their standard output's destination
	 * @param err their standard error's destination
	 * @return the options with these streams
	 */
	public ArbiterOptions withOutput(PrintStream out, PrintStream err) {
		ArbiterOptions copy = copy();
		copy.out = out;
		copy.err = err;
		return copy;
	}

	/** Adds a listener of the arbiter's events. */
	public ArbiterOptions withListener(ArbiterListener listener) {
		ArbiterOptions copy = copy();
		List<ArbiterListener> all = new ArrayList<>(this.listeners);
		all.add(listener);
		copy.listeners = List.copyOf(all);
		return copy;
	}

	/** Sets what may change a worker's launch, in order. */
	public ArbiterOptions withCustomizers(List<WorkerLaunchCustomizer> customizers) {
		ArbiterOptions copy = copy();
		copy.customizers = List.copyOf(customizers);
		return copy;
	}

	/** Sets what the arbiter's loop calls after each tick, in order. */
	public ArbiterOptions withHeartbeats(List<ArbiterHeartbeat> heartbeats) {
		ArbiterOptions copy = copy();
		copy.heartbeats = List.copyOf(heartbeats);
		return copy;
	}

	/**
	 * Sets what gives the pools' specs anew for a reload (the configuration read again);
	 * null to reload with the specs the arbiter has.
	 */
	public ArbiterOptions withReloadSource(Supplier<List<WorkerSpec>> reloadSource) {
		ArbiterOptions copy = copy();
		copy.reloadSource = reloadSource;
		return copy;
	}

	/** Sets which workers are restarted when one is. */
	public ArbiterOptions withStrategy(Strategy strategy) {
		ArbiterOptions copy = copy();
		copy.strategy = strategy;
		return copy;
	}

	/**
	 * Sets how many workers may boot at once.
	 * @throws IllegalArgumentException if less than 1
	 */
	public ArbiterOptions withMaxBooting(int maxBooting) {
		if (maxBooting < 1) {
			throw new IllegalArgumentException("maxBooting must be 1 or more, was " + maxBooting);
		}
		ArbiterOptions copy = copy();
		copy.maxBooting = maxBooting;
		return copy;
	}

	/** Sets the arbiter's time: a test moves its own clock. */
	public ArbiterOptions withClock(ArbiterClock clock) {
		ArbiterOptions copy = copy();
		copy.clock = clock;
		return copy;
	}

	/** Sets how long a call waits for the arbiter thread before it gives up. */
	public ArbiterOptions withCallTimeout(Duration callTimeout) {
		ArbiterOptions copy = copy();
		copy.callTimeout = callTimeout;
		return copy;
	}

	/** Sets where the arbiter makes its run directory. */
	public ArbiterOptions withRunDirectoryParent(Path runDirectoryParent) {
		ArbiterOptions copy = copy();
		copy.runDirectoryParent = runDirectoryParent;
		return copy;
	}

	/**
	 * Gives the workers a start-up cache in a directory, and unpacks an executable jar
	 * there, once per jar content, rather than into each run directory.
	 * @param startupCacheDirectory the cache's directory, or null for no cache (the
	 * default)
	 * @return the options with this cache
	 */
	public ArbiterOptions withStartupCache(Path startupCacheDirectory) {
		ArbiterOptions copy = copy();
		copy.startupCacheDirectory = startupCacheDirectory;
		return copy;
	}

	public PrintStream out() {
		return this.out;
	}

	public PrintStream err() {
		return this.err;
	}

	public List<ArbiterListener> listeners() {
		return this.listeners;
	}

	public List<WorkerLaunchCustomizer> customizers() {
		return this.customizers;
	}

	public List<ArbiterHeartbeat> heartbeats() {
		return this.heartbeats;
	}

	public Supplier<List<WorkerSpec>> reloadSource() {
		return this.reloadSource;
	}

	public Strategy strategy() {
		return this.strategy;
	}

	public int maxBooting() {
		return this.maxBooting;
	}

	public ArbiterClock clock() {
		return this.clock;
	}

	public Duration callTimeout() {
		return this.callTimeout;
	}

	public Path runDirectoryParent() {
		return this.runDirectoryParent;
	}

	/** The start-up cache's directory, or null for none. */
	public Path startupCacheDirectory() {
		return this.startupCacheDirectory;
	}

}
