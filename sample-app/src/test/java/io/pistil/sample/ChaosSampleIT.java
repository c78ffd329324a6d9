package io.pistil.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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

	private static final int LOAD_CLIENTS = 4;

	/** The arbiter's signal dispatcher thread, as /proc names it. */
	private static final String SIGNAL_DISPATCHER = "pistil-signals";

	/** The short run CI makes; {@code -Dpistil.chaos.steps=400} makes a long one. */
	private static final int CHAOS_STEPS = Integer.getInteger("pistil.chaos.steps", 40);

	private static final Duration CHAOS_INTERVAL = Duration.ofMillis(300);

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
		// still in a restart backoff, kills nobody.
		Set<Long> killed = ConcurrentHashMap.newKeySet();
		paced(KILLS + " workers killed", KILL_INTERVAL, READY, () -> {
			killOne(killed);
			return killed.size() >= KILLS;
		});

		awaitWholeAndHealthy();
		assertThat(killed).as("every victim gone").allSatisfy((pid) -> assertThat(alive(pid)).isFalse());
		awaitNoOrphanNorGrowth(descriptors, threads);
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

	/**
	 * A supervisor child's heartbeat comes from its own arbiter loop: frozen, it falls
	 * silent like a worker, is killed and replaced, and its workers, whose parent is
	 * gone, exit rather than stay orphaned.
	 */
	@Test
	void aStoppedSupervisorChildIsFoundByItsHeartbeatAndReplacedWithoutOrphans() {
		start("--pistil.workers.tcp_pool.timeout=5s");
		awaitWholeAndHealthy();
		long frozen = this.arbiter.workers("tcp_pool").get(1);
		Set<Long> itsWorkers = Set.copyOf(ArbiterProcess.workers(frozen, "tcp-hello").values());
		assertThat(itsWorkers).hasSize(2);

		ArbiterProcess.signal(frozen, UnixSignal.STOP);

		this.arbiter.await("the frozen supervisor child and its workers gone", READY,
				() -> !alive(frozen) && itsWorkers.stream().noneMatch(ChaosSampleIT::alive));
		awaitWholeAndHealthy();
		long replacement = this.arbiter.workers("tcp_pool").get(1);
		this.arbiter.await("the replacement's own workers", READY,
				() -> ArbiterProcess.workers(replacement, "tcp-hello").size() == 2);
		assertThat(this.actuator.read("/actuator/pistil").read("$.pools.tcp_pool.restarts", Long.class)).isOne();
	}

	/**
	 * Kills, freezes (a supervisor child among them), TTIN and TTOU bursts, HUPs and
	 * endpoint scale requests, at random, while clients fetch from the fserve pool: the
	 * sample comes back whole and healthy, no request fails but those the killed and
	 * frozen fserve workers had accepted (one each: they serve one connection at a time).
	 */
	@Test
	void mixedChaosUnderLoadLeavesItWholeAndHealthyLosingOnlyTheVictimsConnections() throws Exception {
		int filesPort = SampleHttp.freePort();
		start("--pistil.workers.fserve.listen=127.0.0.1:" + filesPort, "--pistil.workers.hello.timeout=3s",
				"--pistil.workers.fserve.timeout=3s", "--pistil.workers.tcp_pool.timeout=3s",
				"--pistil.workers.fserve.max-workers=4", "--pistil.workers.hello.max-workers=6");
		awaitWholeAndHealthy();
		Map<String, Integer> initial = new LinkedHashMap<>();
		DocumentContext atStart = this.actuator.read("/actuator/pistil");
		for (String pool : List.of("hello", "fserve")) {
			initial.put(pool, atStart.read("$.pools." + pool + ".desired", Integer.class));
		}
		long descriptors = descriptors(this.arbiter.pid());
		long threads = threads(this.arbiter.pid());

		AtomicBoolean loading = new AtomicBoolean(true);
		AtomicLong served = new AtomicLong();
		List<String> failures = new CopyOnWriteArrayList<>();
		ExecutorService load = Executors.newFixedThreadPool(LOAD_CLIENTS);
		for (int client = 0; client < LOAD_CLIENTS; client++) {
			load.execute(() -> {
				while (loading.get()) {
					String failure = SampleHttp.fetchIndex(filesPort);
					if (failure == null) {
						served.incrementAndGet();
					}
					else {
						failures.add(failure);
					}
				}
			});
		}
		Set<Long> fserveVictims = ConcurrentHashMap.newKeySet();
		Map<ChaosAction, Integer> done = Collections.synchronizedMap(new EnumMap<>(ChaosAction.class));
		try {
			this.arbiter.await("the load served", READY, () -> served.get() >= 100);
			AtomicInteger steps = new AtomicInteger();
			paced(CHAOS_STEPS + " chaos steps", CHAOS_INTERVAL, READY.plus(CHAOS_INTERVAL.multipliedBy(CHAOS_STEPS)),
					() -> {
						ChaosAction action = ChaosAction.values()[ThreadLocalRandom.current()
							.nextInt(ChaosAction.values().length)];
						if (done.getOrDefault(action, 0) < action.most && act(action, fserveVictims)) {
							done.merge(action, 1, Integer::sum);
						}
						return steps.incrementAndGet() >= CHAOS_STEPS;
					});
			awaitWholeAndHealthy(Duration.ofMinutes(3));
			// Back to the sizes it started with: each worker has its own output relays
			// and pipes in the arbiter, which the growth check would count otherwise.
			for (Map.Entry<String, Integer> pool : initial.entrySet()) {
				this.arbiter.await(pool.getKey() + " scaled back to " + pool.getValue(), READY,
						() -> this.actuator
							.post("/actuator/pistil/" + pool.getKey(), "{\"workers\":" + pool.getValue() + "}")
							.statusCode() < 300);
			}
			awaitWholeAndHealthy(Duration.ofMinutes(3));
			this.arbiter.await("requests served after the chaos", READY, () -> {
				long before = served.get();
				return SampleHttp.fetchIndex(filesPort) == null && served.get() > before;
			});
		}
		finally {
			loading.set(false);
			load.shutdown();
			assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).as("the load's last requests over").isTrue();
		}

		assertThat(done).as("chaos actions taken").containsKeys(ChaosAction.KILL, ChaosAction.HUP);
		assertThat(failures)
			.as("failed requests (%s served, %s actions %s, fserve victims %s)", served.get(),
					done.values().stream().mapToInt(Integer::intValue).sum(), done, fserveVictims)
			.hasSizeLessThanOrEqualTo(fserveVictims.size());
		awaitNoOrphanNorGrowth(descriptors, threads);
	}

	/** What the mixed chaos does at one step, and how often at most in a run. */
	private enum ChaosAction {

		KILL(12), STOP(3), TTIN(4), TTOU(4), HUP(2), SCALE(6);

		/** How often at most in a run of 40 steps, and in proportion in a longer one. */
		final int most;

		ChaosAction(int most) {
			this.most = Math.max(most, most * CHAOS_STEPS / 40);
		}

	}

	/**
	 * Runs a step at a fixed rate until it says it is done. A step that fails would end
	 * the schedule silently: its failure is kept and thrown here.
	 */
	private void paced(String what, Duration interval, Duration timeout, Supplier<Boolean> step)
			throws InterruptedException {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		AtomicBoolean finished = new AtomicBoolean();
		try {
			scheduler.scheduleAtFixedRate(() -> {
				try {
					if (!finished.get() && step.get()) {
						finished.set(true);
					}
				}
				catch (RuntimeException | AssertionError ex) {
					failure.compareAndSet(null, (ex instanceof RuntimeException runtime) ? runtime
							: new IllegalStateException(ex.getMessage(), ex));
					finished.set(true);
				}
			}, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
			this.arbiter.await(what, timeout, finished::get);
		}
		finally {
			scheduler.shutdownNow();
			scheduler.awaitTermination(10, TimeUnit.SECONDS);
		}
		if (failure.get() != null) {
			throw failure.get();
		}
	}

	/** Takes one action; false when there was nothing to take it on. */
	private boolean act(ChaosAction action, Set<Long> fserveVictims) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		switch (action) {
			case KILL, STOP -> {
				// Only ready workers are frozen: a booting one would wait out its
				// boot-timeout.
				DocumentContext pistil = this.actuator.read("/actuator/pistil");
				List<String> pools = (action == ChaosAction.KILL) ? POOLS : List.of("hello", "fserve", "tcp_pool");
				String pool = pools.get(random.nextInt(pools.size()));
				List<Number> pids = pistil
					.read("$.pools." + pool + ".workers[?(@.state == 'idle' || @.state == 'busy')].pid");
				if (pids.isEmpty()) {
					return false;
				}
				long victim = pids.get(random.nextInt(pids.size())).longValue();
				if (pool.equals("fserve")) {
					fserveVictims.add(victim);
				}
				ArbiterProcess.signal(victim, (action == ChaosAction.KILL) ? UnixSignal.KILL : UnixSignal.STOP);
			}
			case TTIN -> this.arbiter.signal(UnixSignal.TTIN);
			case TTOU -> this.arbiter.signal(UnixSignal.TTOU);
			case HUP -> this.arbiter.signal(UnixSignal.HUP);
			case SCALE -> {
				String pool = random.nextBoolean() ? "hello" : "fserve";
				int workers = 1 + random.nextInt(3);
				int status = this.actuator.post("/actuator/pistil/" + pool, "{\"workers\":" + workers + "}")
					.statusCode();
				// 409: the pool is reloading, which a HUP may have begun.
				assertThat(status).as("scaling " + pool + " to " + workers).isIn(200, 204, 409);
			}
		}
		return true;
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
						"--spring.pid.file=" + this.directory.resolve("app.pid")));
		arguments.addAll(List.of(more));
		if (arguments.stream().noneMatch((argument) -> argument.startsWith("--pistil.workers.fserve.listen="))) {
			arguments.add("--pistil.workers.fserve.listen=127.0.0.1:0");
		}
		this.arbiter = ArbiterProcess.startJar(JAR, arguments.toArray(String[]::new));
	}

	private void awaitWholeAndHealthy() {
		awaitWholeAndHealthy(READY);
	}

	/** Every pool running and ready at its desired count, and the readiness probe UP. */
	private void awaitWholeAndHealthy(Duration timeout) {
		this.arbiter.await("every pool whole and the sample ready", timeout, () -> {
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

	/** Every process of the tree under the arbiter, which holds no more than before. */
	private void awaitNoOrphanNorGrowth(long descriptors, long threads) {
		this.arbiter.await("no orphan: every process of the arbiter's tree under the arbiter", READY,
				() -> pids(this.arbiter.remainingWorkers().stream())
					.equals(pids(ProcessHandle.of(this.arbiter.pid()).orElseThrow().descendants())));
		this.arbiter.await("the arbiter's descriptors back to " + descriptors, READY,
				() -> descriptors(this.arbiter.pid()) <= descriptors);
		try {
			this.arbiter.await("the arbiter's threads back to " + threads, READY,
					() -> threads(this.arbiter.pid()) <= threads);
		}
		catch (AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "\nthreads now: " + threadNames(this.arbiter.pid()), ex);
		}
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

	private static String threadNames(long pid) {
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			return tasks.map(ChaosSampleIT::threadName).sorted().collect(Collectors.joining(", "));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The arbiter's threads, but its signal dispatcher: started by the first signal and
	 * kept from then on, it is one thread, not growth.
	 */
	private static long threads(long pid) {
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			return tasks.map(ChaosSampleIT::threadName).filter((name) -> !name.equals(SIGNAL_DISPATCHER)).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String threadName(Path task) {
		try {
			return Files.readString(task.resolve("comm")).trim();
		}
		catch (IOException ex) {
			return "(gone)";
		}
	}

}
