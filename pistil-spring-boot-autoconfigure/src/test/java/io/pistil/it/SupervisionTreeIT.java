package io.pistil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.process.UnixSignal;

import static io.pistil.it.ArbiterProcess.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Supervision trees, restart types, strategies, restart intensity and backoff, with real
 * processes.
 */
class SupervisionTreeIT extends ArbiterTestSupport {

	@Test
	void supervisorChildComesBackWithItsSubtreeAndAGrandchildIsReplacedByItsOwnSupervisor() {
		this.arbiter = TestApplication.launch(tree());
		this.arbiter.awaitReady(READY);
		long supervisor = this.arbiter.workers("tree").get(1);
		Map<Integer, Long> leaves = ArbiterProcess.workers(supervisor, "leaves");
		assertThat(leaves).hasSize(2);
		long solo = this.arbiter.workers("solo").get(1);

		ArbiterProcess.signal(leaves.get(1), UnixSignal.KILL);

		this.arbiter.await("the grandchild replaced", READY, () -> {
			Map<Integer, Long> now = ArbiterProcess.workers(supervisor, "leaves");
			return now.size() == 2 && !now.containsValue(leaves.get(1));
		});
		assertThat(ArbiterProcess.workers(supervisor, "leaves")).containsEntry(2, leaves.get(2));
		assertThat(this.arbiter.workers("tree")).containsEntry(1, supervisor);
		assertThat(this.arbiter.workers("solo")).containsEntry(1, solo);

		ArbiterProcess.signal(supervisor, UnixSignal.KILL);

		this.arbiter.await("the supervisor and its subtree back", READY, () -> {
			Long now = this.arbiter.workers("tree").get(1);
			return now != null && now != supervisor && ArbiterProcess.workers(now, "leaves").size() == 2;
		});
		this.arbiter.await("the old subtree gone", Duration.ofSeconds(5),
				() -> ArbiterProcess.workers(supervisor, "leaves").isEmpty()
						&& leaves.values().stream().noneMatch((pid) -> ProcessHandle.of(pid).isPresent()));
		assertThat(this.arbiter.workers("solo")).containsEntry(1, solo);
	}

	@Test
	void killedTopArbiterTakesTheWholeTreeWithIt() throws InterruptedException {
		this.arbiter = TestApplication.launch(tree());
		this.arbiter.awaitReady(READY);
		assertThat(this.arbiter.remainingWorkers()).as("supervisor, two leaves, solo").hasSize(4);

		this.arbiter.signal(UnixSignal.KILL);

		this.arbiter.awaitExit(Duration.ofSeconds(5));
		this.arbiter.await("the whole tree gone", Duration.ofSeconds(3),
				() -> this.arbiter.remainingWorkers().isEmpty());
	}

	@Test
	void sigtermStopsTheTreeDepthFirstAndExitsWithZero() throws InterruptedException {
		this.arbiter = TestApplication.launch(tree());
		this.arbiter.awaitReady(READY);
		long supervisor = this.arbiter.workers("tree").get(1);
		List<Long> leaves = List.copyOf(ArbiterProcess.workers(supervisor, "leaves").values());

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).isZero();
		List<String> lines = this.arbiter.lines();
		int supervisorExit = indexOf(lines, "worker tree.1 (pid " + supervisor + ") exited with code 0");
		assertThat(supervisorExit).isPositive();
		for (long leaf : leaves) {
			assertThat(indexOf(lines, "(pid " + leaf + ") exited with code 0")).as("leaf %d stopped first", leaf)
				.isPositive()
				.isLessThan(supervisorExit);
		}
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
	}

	@Test
	void oneForAllRestartsEverySiblingOfACrashedWorker(@TempDir Path directory) throws IOException {
		Map<String, Long> before = startThreePoolsAndKillTheSecond(directory, "one-for-all");

		this.arbiter.await("every pool restarted", READY, () -> replaced("first", before.get("first"))
				&& replaced("second", before.get("second")) && replaced("third", before.get("third")));
	}

	@Test
	void restForOneRestartsThePoolsDeclaredAfterTheCrashedOne(@TempDir Path directory) throws IOException {
		Map<String, Long> before = startThreePoolsAndKillTheSecond(directory, "rest-for-one");

		this.arbiter.await("second and third restarted", READY,
				() -> replaced("second", before.get("second")) && replaced("third", before.get("third")));
		assertThat(this.arbiter.workers("first")).containsEntry(1, before.get("first"));
		assertThat(this.arbiter.output()).doesNotContain("restarting the workers of pool first");
	}

	/**
	 * Runs three pools declared in this order in a configuration file (command-line
	 * properties have no order), kills the worker of the second, and returns each pool's
	 * worker pid before that.
	 */
	private Map<String, Long> startThreePoolsAndKillTheSecond(Path directory, String strategy) throws IOException {
		List<String> yaml = new ArrayList<>(List.of("pistil:", "  strategy: " + strategy, "  workers:"));
		for (String name : List.of("first", "second", "third")) {
			yaml.addAll(List.of("    " + name + ":", "      worker-class: " + TickWorker.class.getName(),
					"      pause: 1s", "      jvm-options: [-Xmx64m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]"));
		}
		Path config = directory.resolve("three-pools.yml");
		Files.write(config, yaml);
		this.arbiter = TestApplication.launch(List.of("--spring.config.additional-location=file:" + config));
		this.arbiter.awaitReady(READY);
		Map<String, Long> pids = new LinkedHashMap<>();
		List.of("first", "second", "third").forEach((name) -> pids.put(name, this.arbiter.workers(name).get(1)));
		ArbiterProcess.signal(pids.get("second"), UnixSignal.KILL);
		return pids;
	}

	@Test
	void restartTypesDecideWhichEndsAreRestarted() {
		List<String> arguments = new ArrayList<>();
		arguments.addAll(quitting("permanent-normal", "permanent", 0));
		arguments.addAll(quitting("transient-normal", "transient", 0));
		arguments.addAll(quitting("transient-crash", "transient", 1));
		arguments.addAll(quitting("temporary-crash", "temporary", 1));
		this.arbiter = TestApplication.launch(arguments);

		this.arbiter.await("both restarted pools restarted", READY,
				() -> count("quitting: permanent-normal") >= 2 && count("quitting: transient-crash") >= 2);
		this.arbiter.awaitLine(
				(line) -> line.contains("worker transient-normal.1") && line.contains("not restarted (TRANSIENT)"),
				READY);
		this.arbiter.awaitLine(
				(line) -> line.contains("worker temporary-crash.1") && line.contains("not restarted (TEMPORARY)"),
				READY);
		assertThat(count("quitting: transient-normal")).isEqualTo(1);
		assertThat(count("quitting: temporary-crash")).isEqualTo(1);
		assertThat(this.arbiter.output()).contains("pool transient-normal resized from 1 to 0")
			.contains("pool temporary-crash resized from 1 to 0");
	}

	@Test
	void crashLoopBacksOffThenGivesUpWhileTheArbiterStaysIdle() throws IOException {
		List<String> arguments = new ArrayList<>(pool("crashy", CrashingWorker.class, 1));
		arguments.addAll(List.of("--pistil.workers.crashy.max-restarts=5", "--pistil.workers.crashy.period=5m",
				"--pistil.workers.crashy.backoff-min=1s", "--pistil.workers.crashy.backoff-max=10s"));
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitLine((line) -> line.contains("worker crashy.1") && line.contains("restarting it"), READY);
		long cpuBefore = cpuTicks(this.arbiter.pid());
		long wallBefore = System.nanoTime();

		this.arbiter.awaitLine((line) -> line.contains("pool crashy gave up"), READY);

		double seconds = (System.nanoTime() - wallBefore) / 1e9;
		double cpuSeconds = (cpuTicks(this.arbiter.pid()) - cpuBefore) / 100.0;
		assertThat(cpuSeconds / seconds).as("arbiter CPU share over %.1f s", seconds).isLessThan(0.05);
		List<Double> delays = new ArrayList<>();
		Matcher matcher = Pattern.compile("restarting it in ([0-9.]+)s").matcher(this.arbiter.output());
		while (matcher.find()) {
			delays.add(Double.parseDouble(matcher.group(1)));
		}
		assertThat(delays).as("the first restart is immediate, the next four back off").hasSize(4).isSorted();
		assertThat(delays.get(3)).isGreaterThan(delays.get(0));
		assertThat(this.arbiter.spawnedPids()).as("the first spawn and five restarts").hasSize(6);
		this.arbiter.await("no worker left", Duration.ofSeconds(10), () -> this.arbiter.workers("crashy").isEmpty());
		assertThat(this.arbiter.isAlive()).isTrue();
	}

	@Test
	void supervisorWhosePoolGivesUpEscalatesToItsParentWhichRestartsPerItsStrategy() {
		List<String> arguments = new ArrayList<>();
		arguments.addAll(List.of("--pistil.workers.tree.type=supervisor", "--pistil.workers.tree.max-restarts=100",
				"--pistil.workers.tree.jvm-options=-Xmx96m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1"));
		arguments.addAll(pool("tree.children.crashy", CrashingWorker.class, 1));
		// Crashing only after a while lets the whole tree get ready first.
		arguments.addAll(List.of("--pistil.workers.tree.children.crashy.max-restarts=1",
				"--pistil.workers.tree.children.crashy.backoff-min=100ms",
				"--pistil.workers.tree.children.crashy.args.delay-millis=3000"));
		arguments.addAll(pool("solo", TickWorker.class, 1));
		arguments.add("--pistil.strategy=one-for-all");
		this.arbiter = TestApplication.launch(arguments);
		this.arbiter.awaitReady(READY);
		long solo = this.arbiter.workers("solo").get(1);
		long supervisor = this.arbiter.workers("tree").get(1);

		this.arbiter.awaitLine((line) -> line.contains("pool crashy gave up"), READY);

		this.arbiter.awaitLine((line) -> line.contains("worker tree.1 (pid " + supervisor + ") exited with code 4"),
				READY);
		this.arbiter.await("the supervisor and, one for all, its sibling restarted", READY,
				() -> replaced("tree", supervisor) && replaced("solo", solo));
	}

	private boolean replaced(String pool, long pid) {
		Long now = this.arbiter.workers(pool).get(1);
		return now != null && now != pid;
	}

	private static List<String> tree() {
		List<String> arguments = new ArrayList<>(List.of("--pistil.workers.tree.type=supervisor",
				"--pistil.workers.tree.jvm-options=-Xmx96m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1"));
		arguments.addAll(pool("tree.children.leaves", TickWorker.class, 2));
		arguments.addAll(pool("solo", TickWorker.class, 1));
		return arguments;
	}

	private static List<String> quitting(String name, String restart, int exitCode) {
		List<String> arguments = new ArrayList<>(pool(name, QuittingWorker.class, 1));
		arguments.addAll(List.of("--pistil.workers." + name + ".restart=" + restart,
				"--pistil.workers." + name + ".args.exit-code=" + exitCode,
				"--pistil.workers." + name + ".backoff-min=100ms"));
		return arguments;
	}

	/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
	private static long cpuTicks(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

}
