package io.pistil.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signals that reach the packaged sample while it is still starting: right after its
 * first worker is spawned, long before every pool is ready.
 */
class StartupSignalsIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	private static final Duration STARTED = Duration.ofSeconds(120);

	private final SampleHttp http = new SampleHttp(SampleHttp.freePort());

	@TempDir
	Path directory;

	@Test
	void hupThenTtinWhileStartingAreAppliedOnceReadyAndNeverStopTheArbiter() throws Exception {
		this.arbiter = start();
		awaitFirstWorker();
		List<Long> first = List.copyOf(this.arbiter.workers("hello").values());
		Set<Character> states = ConcurrentHashMap.newKeySet();
		AtomicBoolean sampling = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get() && this.arbiter.isAlive()) {
				states.add(processState(this.arbiter.pid()));
				Thread.onSpinWait();
			}
		});
		sampler.start();

		this.arbiter.signal(UnixSignal.HUP);
		this.arbiter.signal(UnixSignal.TTIN);

		try {
			this.arbiter.await("the application healthy, its hello pool reloaded with four workers", STARTED,
					() -> this.http.healthy() && this.http.json("/actuator/pistil/hello")
						.filter((hello) -> hello.read("$.state").equals("RUNNING")
								&& hello.read("$.ready", Integer.class) == 4
								&& hello.read("$.workers.length()", Integer.class) == 4)
						.isPresent());
		}
		finally {
			sampling.set(false);
			sampler.join();
		}
		assertThat(this.arbiter.isAlive()).isTrue();
		assertThat(states).as("the arbiter's process states while it started").doesNotContain('T', 't', 'X', 'Z');
		assertThat(this.arbiter.workers("hello").values()).hasSize(4)
			.as("the HUP's reload replaced the first workers")
			.doesNotContainAnyElementsOf(first);
	}

	@Test
	void termWhileStartingStopsEveryWorkerAndLeavesNothingBehind() throws Exception {
		this.arbiter = start();
		awaitFirstWorker();

		this.arbiter.signal(UnixSignal.TERM);

		assertThat(this.arbiter.awaitExit(Duration.ofSeconds(30))).as("128 + SIGTERM").isEqualTo(143);
		assertThat(this.arbiter.remainingWorkers()).isEmpty();
		assertThat(runDirectories(this.arbiter.pid())).isEmpty();
	}

	private ArbiterProcess start() {
		return ArbiterProcess.startJar(JAR, "--server.port=" + this.http.port(),
				"--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
				"--pistil.workers.fserve.listen=127.0.0.1:0", "--spring.pid.file=" + this.directory.resolve("app.pid"));
	}

	private void awaitFirstWorker() {
		this.arbiter.await("a first worker", STARTED,
				() -> List.of("hello", "w1", "w2", "tcp_pool", "grabber", "fserve")
					.stream()
					.anyMatch((pool) -> !this.arbiter.workers(pool).isEmpty()));
	}

	/** The state letter of /proc/&lt;pid&gt;/stat: R, S, D, T (stopped), Z… */
	private static char processState(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			return stat.charAt(stat.lastIndexOf(')') + 2);
		}
		catch (IOException ex) {
			return 'X';
		}
	}

	private static List<Path> runDirectories(long pid) throws IOException {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((entry) -> entry.getFileName().toString().startsWith("pistil-" + pid + "-")).toList();
		}
	}

}
