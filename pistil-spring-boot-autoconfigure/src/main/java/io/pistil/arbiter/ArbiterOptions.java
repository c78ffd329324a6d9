package io.pistil.arbiter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How an arbiter talks to its surroundings.
 *
 * @param out where the children's standard output goes, line by line
 * @param err where the children's standard error goes, line by line
 * @param listeners who hears the arbiter's events
 * @param customizers what may change a worker's launch
 * @param reloadSource gives the pools' specs anew for a reload (the configuration read
 * again); null to reload with the specs the arbiter has
 * @param strategy which workers are restarted when one is
 * @param maxBooting how many workers may boot at once
 */
public record ArbiterOptions(PrintStream out, PrintStream err, List<ArbiterListener> listeners,
		List<WorkerLaunchCustomizer> customizers, Supplier<List<WorkerSpec>> reloadSource, Strategy strategy,
		int maxBooting) {

	public ArbiterOptions {
		if (maxBooting < 1) {
			throw new IllegalArgumentException("maxBooting must be 1 or more, was " + maxBooting);
		}
		listeners = List.copyOf(listeners);
		customizers = List.copyOf(customizers);
	}

	/**
	 * The process's own streams, no listener, no customizer, reloads with the same specs,
	 * one-for-one, one more worker booting at once than the machine has cores.
	 */
	public static ArbiterOptions defaults() {
		return new ArbiterOptions(System.out, System.err, List.of(), List.of(), null, Strategy.ONE_FOR_ONE,
				defaultMaxBooting());
	}

	public ArbiterOptions withOutput(PrintStream out, PrintStream err) {
		return new ArbiterOptions(out, err, this.listeners, this.customizers, this.reloadSource, this.strategy,
				this.maxBooting);
	}

	public ArbiterOptions withListener(ArbiterListener listener) {
		List<ArbiterListener> all = new ArrayList<>(this.listeners);
		all.add(listener);
		return new ArbiterOptions(this.out, this.err, all, this.customizers, this.reloadSource, this.strategy,
				this.maxBooting);
	}

	public ArbiterOptions withCustomizers(List<WorkerLaunchCustomizer> customizers) {
		return new ArbiterOptions(this.out, this.err, this.listeners, customizers, this.reloadSource, this.strategy,
				this.maxBooting);
	}

	public ArbiterOptions withReloadSource(Supplier<List<WorkerSpec>> reloadSource) {
		return new ArbiterOptions(this.out, this.err, this.listeners, this.customizers, reloadSource, this.strategy,
				this.maxBooting);
	}

	public ArbiterOptions withMaxBooting(int maxBooting) {
		return new ArbiterOptions(this.out, this.err, this.listeners, this.customizers, this.reloadSource,
				this.strategy, maxBooting);
	}

	public static int defaultMaxBooting() {
		// A booting JVM also waits on its disk: one more than the cores keeps them busy.
		return Runtime.getRuntime().availableProcessors() + 1;
	}

	public ArbiterOptions withStrategy(Strategy strategy) {
		return new ArbiterOptions(this.out, this.err, this.listeners, this.customizers, this.reloadSource, strategy,
				this.maxBooting);
	}

}
