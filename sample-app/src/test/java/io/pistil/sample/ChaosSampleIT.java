package io.pistil.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.jayway.jsonpath.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pistil.it.ActuatorClient;
import io.pistil.it.ArbiterProcess;
import io.pistil.it.ArbiterTestSupport;
import io.pistil.process.UnixSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample under {@code kill -9} and {@code SIGSTOP} of its workers, a
 * supervisor child included: it returns to full size and health, leaves no orphan, and
 * its arbiter holds no more descriptors than before.
 */
class ChaosSampleIT extends ArbiterTestSupport {

	private static final Path JAR = Path.of("target", "pistil-sample-app.jar");

	private static final List<String> POOLS = List.of("hello", "w1", "w2", "tcp_pool", "grabber", "fserve");

	private static final int KILLS = 25;

	/** Between two kills: the arbiter is mid-restart when the next one comes. */
	private static final Duration KILL_INTERVAL = Duration.ofMillis(200);

	private final int port = SampleHttp.freePort();

	private final ActuatorClient actuator = ActuatorClient.onPort(this.port);

	@TempDir
	Path directory;

	@Test
	void twentyFiveKillsTwoHundredMillisecondsApartLeaveItWholeHealthyWithoutOrphanOrDescriptorGrowth()
			throws Exception {
		start();
		awaitWholeAndHealthy();
		long descriptors = descriptors(this.arbiter.pid());
		long threads = threads(this.arbiter.pid());

		// One kill every 200 ms; a tick that finds every worker dead, its replacement
		// still
		// in a restart backoff, kills nobody.
		Set<Long> killed = ConcurrentHashMap.newKeySet();
		ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();
		try {
			// A failure would end the schedule silently: it is kept and thrown here.
			AtomicReference<RuntimeException> failure = new AtomicReference<>();
			chaos.scheduleAtFixedRate(() -> {
				try {
					killOne(killed);
				}
				catch (RuntimeException ex) {
					failure.compareAndSet(null, ex);
				}
			}, 0, KILL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
			this.arbiter.await(KILLS + " workers killed", READY, () -> {
				if (failure.get() != null) {
					throw failure.get();
				}
				return killed.size() >= KILLS;
			});
		}
		finally {
			chaos.shutdownNow();
			chaos.awaitTermination(10, TimeUnit.SECONDS);
		}

		awaitWholeAndHealthy();
		assertThat(killed).as("every victim gone").allSatisfy((pid) -> assertThat(alive(pid)).isFalse());
		this.arbiter.await("no orphan: every process of the arbiter's tree under the arbiter", READY,
				() -> pids(this.arbiter.remainingWorkers().stream())
					.equals(pids(ProcessHandle.of(this.arbiter.pid()).orElseThrow().descendants())));
		this.arbiter.await("the arbiter's descriptors back to " + descriptors, READY,
				() -> descriptors(this.arbiter.pid()) <= descriptors);
		this.arbiter.await("the arbiter's threads back to " + threads, READY,
				() -> threads(this.arbiter.pid()) <= threads);
		DocumentContext pistil = this.actuator.read("/actuator/pistil");
		long restarts = POOLS.stream()
			.mapToLong((pool) -> pistil.read("$.pools." + pool + ".restarts", Long.class))
			.sum();
		assertThat(restarts).as("restarts the endpoint counts, one per worker killed").isEqualTo(killed.size());
	}

	@Test
	void aStoppedWorkerIsFoundByItsHeartbeatKilledAndReplaced() {
		start("--pistil.workers.hello.timeout=5s");
		awaitWholeAndHealthy();
		Map<Integer, Long> hello = this.arbiter.workers("hello");
		long frozen = hello.get(2);

		ArbiterProcess.signal(frozen, UnixSignal.STOP);

		this.arbiter.await("the frozen worker replaced", READY,
				() -> !alive(frozen) && this.arbiter.workers("hello").size() == 3);
		awaitWholeAndHealthy();
		assertThat(this.arbiter.workers("hello")).containsEntry(1, hello.get(1)).containsEntry(3, hello.get(3));
		assertThat(this.actuator.read("/actuator/pistil").read("$.pools.hello.restarts", Long.class)).isOne();
	}

	private void killOne(Set<Long> killed) {
		if (killed.size() >= KILLS) {
			return;
		}
		List<Long> live = POOLS.stream()
			.flatMap((pool) -> this.arbiter.workers(pool).values().stream())
			.filter((pid) -> !killed.contains(pid))
			.toList();
		if (!live.isEmpty()) {
			long victim = live.get(ThreadLocalRandom.current().nextInt(live.size()));
			ArbiterProcess.signal(victim, UnixSignal.KILL);
			killed.add(victim);
		}
	}

	private void start(String... more) {
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=" + this.port, "--pistil.workers.tcp_pool.children.tcp-hello.listen=127.0.0.1:0",
						"--pistil.workers.fserve.listen=127.0.0.1:0",
						"--spring.pid.file=" + this.directory.resolve("app.pid")));
		arguments.addAll(List.of(more));
		this.arbiter = ArbiterProcess.startJar(JAR, arguments.toArray(String[]::new));
	}

	/** Every pool running and ready at its desired count, and the readiness probe UP. */
	private void awaitWholeAndHealthy() {
		this.arbiter.await("every pool whole and the sample ready", READY, () -> {
			if (!this.actuator.answers("/actuator/health/readiness", 200)) {
				return false;
			}
			DocumentContext pistil = this.actuator.read("/actuator/pistil");
			return POOLS.stream().allMatch((pool) -> {
				int desired = pistil.read("$.pools." + pool + ".desired", Integer.class);
				return pistil.read("$.pools." + pool + ".ready", Integer.class) == desired
						&& pistil.read("$.pools." + pool + ".running", Integer.class) == desired
						&& this.arbiter.workers(pool).size() == desired;
			});
		});
	}

	private static boolean alive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	private static Set<Long> pids(Stream<ProcessHandle> processes) {
		return processes.map(ProcessHandle::pid).collect(Collectors.toSet());
	}

	private static long descriptors(long pid) {
		try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static long threads(long pid) {
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			return tasks.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
