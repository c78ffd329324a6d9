package io.pistil.arbiter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pistil.arbiter.ArbiterEvent.WorkerSpawning;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.cache.CachedStart;
import io.pistil.cache.StartupCache;
import io.pistil.contract.ChildArguments;
import io.pistil.contract.RunFiles;
import io.pistil.contract.Scoreboard;
import io.pistil.net.Systemd;
import io.pistil.process.ProcessControl;
import io.pistil.process.SpawnRequest;
import io.pistil.process.SpawnedProcess;

/**
 * Everything about one spawn: a scoreboard slot, the child's arguments and environment,
 * the launch customizers, the listening sockets it inherits, the spawn itself, the relays
 * of its output, and the notice of its end.
 */
final class Launcher {

	private static final Log logger = LogFactory.getLog(Launcher.class);

	private final long arbiterPid;

	private final LaunchSettings launch;

	private final ProcessControl processes;

	private final ArbiterOptions options;

	private final PoolListeners listeners;

	private final RunDirectory runDirectory;

	private final ChildClassPath childClassPath;

	private final Events events;

	private final BitSet usedSlots = new BitSet();

	private final List<OutputRelay> relays = new ArrayList<>();

	private long nextAge;

	Launcher(long arbiterPid, LaunchSettings launch, ProcessControl processes, ArbiterOptions options,
			PoolListeners listeners, RunDirectory runDirectory, ChildClassPath childClassPath, Events events) {
		this.arbiterPid = arbiterPid;
		this.launch = launch;
		this.processes = processes;
		this.options = options;
		this.listeners = listeners;
		this.runDirectory = runDirectory;
		this.childClassPath = childClassPath;
		this.events = events;
	}

	/**
	 * Spawns one worker of a pool.
	 * @param pool its pool
	 * @param number its number in the pool
	 * @param now the time
	 * @param onExit called, on a thread of the process layer, once the worker has ended
	 * @return the worker
	 * @throws WorkerLaunchException if anything fails, user code (customizers, listeners)
	 * included; nothing is left of the launch then
	 */
	WorkerProcess launch(Pool pool, int number, long now, Consumer<WorkerProcess> onExit) {
		WorkerSpec spec = pool.spec;
		String name = spec.name() + "." + number;
		int slot = this.usedSlots.nextClearBit(0);
		int capacity = this.runDirectory.scoreboard().capacity();
		if (slot >= capacity) {
			throw new WorkerLaunchException(name,
					new IllegalStateException("the scoreboard has room for " + capacity + " workers"));
		}
		SpawnedProcess process;
		CachedStart[] cachedStart = new CachedStart[1];
		try {
			this.events.publish(new WorkerSpawning(spec.name(), number));
			RunAs runAs = spec.runAs().withPrimaryGroup(this.processes);
			this.runDirectory.prepare(spec, runAs);
			this.runDirectory.slot(spec, slot).clear();
			process = this.processes.spawn(runAs.applyTo(request(spec, number, slot, cachedStart)));
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new WorkerLaunchException(name, ex);
		}
		this.usedSlots.set(slot);
		String prefix = "[" + name + " pid " + process.pid() + "] ";
		List<OutputRelay> streams = List.of(
				new OutputRelay("pistil-out-" + name, prefix, process.output(), this.options.out()),
				new OutputRelay("pistil-err-" + name, prefix, process.errors(), this.options.err()));
		this.relays.removeIf(OutputRelay::finished);
		this.relays.addAll(streams);
		WorkerProcess worker = new WorkerProcess(spec, number, slot, process.pid(), this.nextAge++, pool.generation,
				now, this.options.clock().instant(), streams);
		worker.cachedStart = cachedStart[0];
		logger.info("pistil: worker " + worker + " spawned");
		this.events.publish(new WorkerStarted(spec.name(), number, process.pid()));
		this.processes.onExit(process.pid()).thenRun(() -> onExit.accept(worker));
		return worker;
	}

	/**
	 * The spawn request of a worker: this is where user code runs (customizers).
	 * @param cachedStart set to how the worker starts from the start-up cache, if it does
	 */
	private SpawnRequest request(WorkerSpec spec, int number, int slot, CachedStart[] cachedStart) {
		ChildArguments child = childArguments(spec, number, slot, this.runDirectory.directory(spec));
		Map<String, String> environment = new HashMap<>(this.launch.environment());
		environment.keySet().removeAll(Systemd.VARIABLES);
		environment.putAll(spec.environment());
		List<String> jvmOptions = new ArrayList<>(spec.jvmOptions());
		WorkerLaunchCustomizer.WorkerLaunch launch = new WorkerLaunchCustomizer.WorkerLaunch(spec.name(), number,
				jvmOptions, environment);
		this.options.customizers().forEach((customizer) -> customizer.customize(launch));
		jvmOptions.addAll(this.listeners.jvmOptions(spec));
		List<String> options = new ArrayList<>();
		StartupCache cache = this.childClassPath.cache();
		if (cache != null) {
			cachedStart[0] = cache
				.use(spec.name(), jvmOptions,
						(directory, archiveOptions) -> trainingCommand(spec, directory, archiveOptions, jvmOptions))
				.orElse(null);
		}
		if (cachedStart[0] != null) {
			options.addAll(cachedStart[0].jvmOptions());
		}
		options.addAll(jvmOptions);
		return new SpawnRequest(this.launch.javaExecutable(),
				LaunchSettings.jvmArguments(options, mainClass(spec), child, this.childClassPath.entries()),
				environment, this.listeners.descriptors(spec));
	}

	/**
	 * A training run of the start-up cache: a worker of the pool with a scoreboard of its
	 * own, which stops after its context refresh. It inherits no socket.
	 */
	private List<String> trainingCommand(WorkerSpec spec, Path directory, List<String> archiveOptions,
			List<String> jvmOptions) throws IOException {
		Scoreboard.create(RunFiles.scoreboard(directory), 1);
		List<String> options = new ArrayList<>(archiveOptions);
		options.addAll(jvmOptions);
		if (spec.type() == ChildType.SUPERVISOR) {
			// Its arbiter would bind the pools' sockets and spawn workers: it is left
			// out.
			options.add("-Dpistil.enabled=false");
		}
		List<String> command = new ArrayList<>();
		command.add(this.launch.javaExecutable().toString());
		command.addAll(LaunchSettings.jvmArguments(options, mainClass(spec), childArguments(spec, 0, 0, directory),
				this.childClassPath.entries()));
		return command;
	}

	private ChildArguments childArguments(WorkerSpec spec, int number, int slot, Path directory) {
		return new ChildArguments(this.arbiterPid, spec.name(), this.launch.pathOf(spec.name()), number, slot,
				directory, spec.workerClass(), spec.beanName(), spec.context(), this.launch.applicationClass(),
				this.launch.profiles(), spec.pause(), spec.args(), this.launch.applicationArguments());
	}

	private static String mainClass(WorkerSpec spec) {
		return (spec.type() == ChildType.SUPERVISOR) ? ChildArguments.SUPERVISOR_MAIN_CLASS
				: ChildArguments.WORKER_MAIN_CLASS;
	}

	/**
	 * Gives a reaped worker's slot back.
	 * @param worker the worker
	 */
	void release(WorkerProcess worker) {
		this.runDirectory.slot(worker.spec, worker.slot).clear();
		this.usedSlots.clear(worker.slot);
	}

	/**
	 * Waits a little for every relay to have copied what its child printed: the
	 * children's last words come before the arbiter's.
	 */
	void awaitOutput() {
		awaitRelays(this.relays);
	}

	/**
	 * Waits a little for a worker's output to be copied, and returns its last lines.
	 * @param worker a worker that has ended
	 * @return the last lines it printed
	 */
	static String lastWords(WorkerProcess worker) {
		awaitRelays(worker.relays);
		return worker.errorTail();
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

}
