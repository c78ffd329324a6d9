package io.pistil.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import io.pistil.arbiter.ArbiterEvent;
import io.pistil.contract.RunFiles;
import io.pistil.contract.Scoreboard;
import io.pistil.contract.SlotState;
import io.pistil.process.ProcessControl;
import io.pistil.process.UnixSignal;

/**
 * An arbiter application running in a JVM of its own, as a user would run it: the test
 * reads the events it records ({@link EventLog}), its workers in procfs and its output,
 * signals it and its workers by pid, and on {@link #close()} kills what it started.
 */
public final class ArbiterProcess implements AutoCloseable {

	/** The property that names the file a {@link TestApplication} records events to. */
	static final String EVENTS_FILE_PROPERTY = "test.events-file";

	/** Spring Boot's line once the application has started, every lifecycle included. */

	private static final ProcessControl processes = ProcessControl.load();

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	/** Null for an application that records no events, such as the sample's jar. */
	private final EventLog events;

	private Scoreboard scoreboard;

	private ArbiterProcess(List<String> command, Map<String, String> environment, EventLog events) {
		this.events = events;
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().putAll(environment);
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.reader = new Thread(this::read, "arbiter-output-" + this.process.pid());
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts a main class with this JVM's class path, telling it where to record its
	 * events.
	 * @param mainClass the application
	 * @param arguments its arguments
	 * @return the running application
	 */
	public static ArbiterProcess start(Class<?> mainClass, String... arguments) {
		return startUnder(List.of(), mainClass, arguments);
	}

	/**
	 * Starts a main class with this JVM's class path under a program that execs it, such
	 * as {@code env} or {@code systemd-socket-activate}: the application keeps the
	 * wrapper's pid.
	 * @param wrapper the program and its arguments
	 * @param mainClass the application
	 * @param arguments its arguments
	 * @return the running application
	 */
	public static ArbiterProcess startUnder(List<String> wrapper, Class<?> mainClass, String... arguments) {
		EventLog events = new EventLog(temporaryFile());
		List<String> command = new ArrayList<>(wrapper);
		command.addAll(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(arguments));
		command.add("--" + EVENTS_FILE_PROPERTY + "=" + events.file());
		return new ArbiterProcess(command, Map.of(), events);
	}

	/**
	 * Starts an executable jar, which records no events: read its actuator.
	 * @param jar the jar
	 * @param arguments its arguments
	 * @return the running application
	 */
	public static ArbiterProcess startJar(Path jar, String... arguments) {
		List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar.toString()));
		command.addAll(List.of(arguments));
		return new ArbiterProcess(command, Map.of(), null);
	}

	/**
	 * Starts a command as it is written elsewhere (a deployment manifest's), with more
	 * environment variables; it records no events: read its actuator.
	 * @param command the program and its arguments
	 * @param environment variables added to this JVM's environment
	 * @return the running application
	 */
	public static ArbiterProcess startCommand(List<String> command, Map<String, String> environment) {
		return new ArbiterProcess(command, environment, null);
	}

	private static Path temporaryFile() {
		try {
			return Files.createTempFile("it-events-", ".jsonl");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private void read() {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				this.lines.add(line);
				System.out.println("arbiter " + this.process.pid() + " | " + line);
			}
		}
		catch (IOException ex) {
			// The process is gone.
		}
	}

	public long pid() {
		return this.process.pid();
	}

	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	public String output() {
		return String.join("\n", this.lines);
	}

	/**
	 * Waits for a line of output and returns it: for tests whose subject is the output
	 * itself (a thread dump, a boot error, a status report).
	 */
	public String awaitLine(Predicate<String> line, Duration timeout) {
		try {
			Awaitility.await()
				.atMost(timeout)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> this.lines.stream().anyMatch(line) || !this.process.isAlive() && drained());
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No such line within " + timeout + " in:\n" + output(), ex);
		}
		return this.lines.stream()
			.filter(line)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No such line; the application exited:\n" + output()));
	}

	/** Waits for a condition, failing with the application's output. */
	public void await(String what, Duration timeout, Callable<Boolean> condition) {
		try {
			Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Not " + what + " within " + timeout + diagnostics(), ex);
		}
	}

	private boolean drained() throws InterruptedException {
		this.reader.join(2000);
		return true;
	}

	/**
	 * Every fact recorded so far, in order: the arbiter's events and its test workers'
	 * reports.
	 */
	public List<EventLog.Event> events() {
		if (this.events == null) {
			throw new IllegalStateException("Application " + pid() + " records no events: read its actuator");
		}
		return this.events.read();
	}

	/** The recorded arbiter events of one type, in order. */
	public List<EventLog.Event> events(Class<? extends ArbiterEvent> type) {
		return events().stream().filter((event) -> event.is(type)).toList();
	}

	/**
	 * Waits for a recorded fact and returns the first one that matches.
	 * @param what what is awaited, for the failure message
	 * @param timeout how long at most
	 * @param fact which fact
	 * @return the fact
	 */
	public EventLog.Event awaitEvent(String what, Duration timeout, Predicate<EventLog.Event> fact) {
		try {
			Awaitility.await()
				.atMost(timeout)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> events().stream().anyMatch(fact) || !this.process.isAlive() && drained());
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Not " + what + " within " + timeout + diagnostics(), ex);
		}
		return events().stream()
			.filter(fact)
			.findFirst()
			.orElseThrow(() -> new AssertionError("Not " + what + "; the application exited" + diagnostics()));
	}

	/** Waits for an arbiter event of a type and returns the first one. */
	public EventLog.Event awaitEvent(Class<? extends ArbiterEvent> type, Duration timeout) {
		return awaitEvent("a " + type.getSimpleName() + " event", timeout, (event) -> event.is(type));
	}

	/** What a failure message shows: the recorded events, if any, and the output. */
	private String diagnostics() {
		String events = (this.events != null)
				? "; events:\n" + events().stream().map(EventLog.Event::toString).collect(Collectors.joining("\n"))
				: "";
		return events + "\noutput:\n" + output();
	}

	/**
	 * Waits for the arbiter's ArbiterReady event (every pool ready), then for the end of
	 * the application's start: a TERM or INT before it would fail the start (exit status
	 * 128 + the signal) rather than stop a started application.
	 */
	public void awaitReady(Duration timeout) {
		awaitEvent(ArbiterEvent.ArbiterReady.class, timeout);
		awaitEvent("the application started", timeout, (event) -> event.type().equals("ApplicationReady"));
	}

	/** Waits for the application's web server and returns its port. */
	public int awaitWebPort(Duration timeout) {
		return awaitEvent("the web server started", timeout, (event) -> event.type().equals("WebServerStarted")).json()
			.read("$.port", Integer.class);
	}

	/**
	 * The live workers of a pool, by number, as the arbiter's children show them; while a
	 * replacement runs beside the worker it replaces, under its number, the replacement.
	 */
	public Map<Integer, Long> workers(String pool) {
		return workers(pid(), pool);
	}

	/**
	 * The live workers of a pool of any arbiter, such as a supervisor child, by number.
	 */
	public static Map<Integer, Long> workers(long arbiterPid, String pool) {
		Map<Integer, Long> workers = new TreeMap<>();
		ProcessHandle.of(arbiterPid)
			.ifPresent((arbiter) -> arbiter.children()
				.sorted(Comparator.comparing((ProcessHandle child) -> child.info().startInstant().orElse(Instant.MIN))
					.thenComparingLong(ProcessHandle::pid))
				.forEach((child) -> {
					String name = workerName(child);
					// Number 0 is a run that trains the start-up cache, never a worker.
					if (name != null && name.startsWith(pool + ".") && !name.equals(pool + ".0") && child.isAlive()) {
						workers.put(Integer.parseInt(name.substring(pool.length() + 1)), child.pid());
					}
				}));
		return workers;
	}

	private static String workerName(ProcessHandle process) {
		return commandLine(process.pid()).stream()
			.filter((argument) -> argument.startsWith("-Dpistil.worker="))
			.map((argument) -> argument.substring("-Dpistil.worker=".length()))
			.findFirst()
			.orElse(null);
	}

	/**
	 * A process's arguments, read from procfs: ProcessHandle.Info drops long command
	 * lines.
	 */
	private static List<String> commandLine(long pid) {
		try {
			String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
			return List.of(cmdline.split("\0"));
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/** Every worker pid of the arbiter's WorkerStarted events. */
	public Set<Long> spawnedPids() {
		return events(ArbiterEvent.WorkerStarted.class).stream().map(EventLog.Event::pid).collect(Collectors.toSet());
	}

	/**
	 * Processes still alive whose command line says this arbiter spawned them, or a
	 * supervisor it spawned (and so on down the tree), wherever they are now.
	 */
	public List<ProcessHandle> remainingWorkers() {
		Set<Long> arbiters = new HashSet<>(Set.of(pid()));
		List<ProcessHandle> tree = new ArrayList<>();
		boolean grew = true;
		while (grew) {
			List<ProcessHandle> found = ProcessHandle.allProcesses()
				.filter((process) -> !arbiters.contains(process.pid()) && arbiters.contains(arbiterOf(process.pid())))
				.toList();
			grew = !found.isEmpty();
			found.forEach((process) -> {
				arbiters.add(process.pid());
				tree.add(process);
			});
		}
		return tree;
	}

	/** The pid a pistil child names as its arbiter, or -1. */
	private static long arbiterOf(long pid) {
		return commandLine(pid).stream()
			.filter((argument) -> argument.startsWith("--arbiter-pid="))
			.mapToLong((argument) -> Long.parseLong(argument.substring("--arbiter-pid=".length())))
			.findFirst()
			.orElse(-1);
	}

	/**
	 * How many scoreboard slots of this arbiter say READY: the workers that are ready by
	 * their own account.
	 */
	public int readyInScoreboard() {
		if (this.scoreboard == null) {
			try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
				Path directory = entries
					.filter((entry) -> entry.getFileName().toString().startsWith("pistil-" + pid() + "-"))
					.findFirst()
					.orElseThrow(() -> new AssertionError("No run directory for arbiter " + pid()));
				this.scoreboard = Scoreboard.open(RunFiles.scoreboard(directory));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		int ready = 0;
		for (int slot = 0; slot < this.scoreboard.capacity(); slot++) {
			if (this.scoreboard.slot(slot).state() == SlotState.READY) {
				ready++;
			}
		}
		return ready;
	}

	/** Arguments that declare a pool of small child JVMs. */
	public static List<String> pool(String name, Class<?> worker, int workers) {
		String prefix = "--pistil.workers." + name + ".";
		return List.of(prefix + "worker-class=" + worker.getName(), prefix + "workers=" + workers,
				prefix + "jvm-options=-Xmx64m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1");
	}

	public void signal(UnixSignal signal) {
		processes.signal(pid(), signal);
	}

	public static void signal(long pid, UnixSignal signal) {
		processes.signal(pid, signal);
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Waits for the application to exit and returns its exit code. */
	public int awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("The application did not exit within " + timeout);
		}
		this.reader.join(2000);
		return this.process.exitValue();
	}

	/** Kills the application and every worker it spawned, by pid. */
	@Override
	public void close() {
		List<ProcessHandle> workers = new ArrayList<>(this.process.descendants().toList());
		workers.addAll(remainingWorkers());
		this.process.destroyForcibly();
		workers.addAll(remainingWorkers());
		workers.forEach(ProcessHandle::destroyForcibly);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> !this.process.isAlive() && workers.stream().noneMatch(ProcessHandle::isAlive));
		Set<Long> arbiters = new HashSet<>(Set.of(pid()));
		workers.forEach((worker) -> arbiters.add(worker.pid()));
		deleteRunDirectories(arbiters);
		if (this.events != null) {
			try {
				Files.deleteIfExists(this.events.file());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/** A killed arbiter (or supervisor) leaves its run directory behind. */
	private static void deleteRunDirectories(Set<Long> arbiters) {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			for (Path directory : entries
				.filter((entry) -> arbiters.stream()
					.anyMatch((pid) -> entry.getFileName().toString().startsWith("pistil-" + pid + "-")))
				.toList()) {
				try (Stream<Path> files = Files.walk(directory)) {
					for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(file);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
