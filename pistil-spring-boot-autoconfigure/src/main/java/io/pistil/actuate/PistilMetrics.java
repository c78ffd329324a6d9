package io.pistil.actuate;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.event.EventListener;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterEvent.ArbiterStarting;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.arbiter.ExitCause;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;

/**
 * Micrometer meters of pistil's pools, each tagged with its {@code pool}:
 * <ul>
 * <li>{@code pistil.workers}, tagged with a {@code state} (booting, idle, busy,
 * stopping): live workers;</li>
 * <li>{@code pistil.workers.desired}: how many workers the pool should run;</li>
 * <li>{@code pistil.workers.busy.ratio}: the share of ready workers that are busy;</li>
 * <li>{@code pistil.worker.requests}: requests handled, those of exited workers
 * included;</li>
 * <li>{@code pistil.worker.spawns}: workers spawned;</li>
 * <li>{@code pistil.worker.exits}, tagged with a {@code cause} ({@link ExitCause}, in
 * lower case): workers ended;</li>
 * <li>{@code pistil.worker.boot}: time from a worker's spawn to its readiness.</li>
 * </ul>
 * The counters and the timer follow the arbiter's events; the gauges read a snapshot of
 * the arbiter, taken at most once per {@code snapshotMaxAge}, so a scrape asks the
 * arbiter thread once, not once per gauge.
 */
public class PistilMetrics implements MeterBinder {

	private static final List<String> WORKER_STATES = List.of("booting", "idle", "busy", "stopping");

	private final Arbiter arbiter;

	private final long snapshotMaxAgeNanos;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/** The pools, known once the arbiter starts. */
	private volatile List<String> pools = List.of();

	// Guarded by this.

	private ArbiterSnapshot snapshot;

	private long snapshotTakenAt;

	/**
	 * Requests handled by workers that have exited, by pool: a counter never goes down.
	 */
	private final Map<String, Long> requestsOfExitedWorkers = new HashMap<>();

	/**
	 * Creates the meters' source.
	 * @param arbiter the arbiter
	 * @param snapshotMaxAge how long the gauges reuse one snapshot of the arbiter
	 */
	public PistilMetrics(Arbiter arbiter, Duration snapshotMaxAge) {
		this.arbiter = arbiter;
		this.snapshotMaxAgeNanos = snapshotMaxAge.toNanos();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.pools.forEach((pool) -> register(registry, pool));
	}

	@EventListener
	void onStarting(ArbiterStarting event) {
		this.pools = List.copyOf(event.pools());
		this.registries.forEach((registry) -> this.pools.forEach((pool) -> register(registry, pool)));
	}

	@EventListener
	void onStarted(WorkerStarted event) {
		this.registries.forEach((registry) -> spawns(registry, event.pool()).increment());
	}

	@EventListener
	void onReady(WorkerReady event) {
		this.registries.forEach((registry) -> bootTime(registry, event.pool()).record(event.bootTime()));
	}

	@EventListener
	void onExited(WorkerExited event) {
		this.registries.forEach((registry) -> exits(registry, event.pool(), event.cause()).increment());
	}

	/**
	 * Registers every meter of a pool, the counters at zero, so that each is there before
	 * its first event.
	 */
	private void register(MeterRegistry registry, String pool) {
		for (String state : WORKER_STATES) {
			Gauge.builder("pistil.workers", () -> count(pool, state))
				.description("Live workers of the pool in this state")
				.tag("pool", pool)
				.tag("state", state)
				.register(registry);
		}
		Gauge.builder("pistil.workers.desired", () -> find(pool).map(PoolSnapshot::desired).orElse(0))
			.description("How many workers the pool should run")
			.tag("pool", pool)
			.register(registry);
		Gauge.builder("pistil.workers.busy.ratio", () -> busyRatio(pool))
			.description("Share of the pool's ready workers that are busy")
			.tag("pool", pool)
			.register(registry);
		FunctionCounter.builder("pistil.worker.requests", this, (metrics) -> metrics.requests(pool))
			.description("Requests handled by the pool's workers")
			.tag("pool", pool)
			.register(registry);
		spawns(registry, pool);
		bootTime(registry, pool);
		for (ExitCause cause : ExitCause.values()) {
			exits(registry, pool, cause);
		}
	}

	private static Counter spawns(MeterRegistry registry, String pool) {
		return Counter.builder("pistil.worker.spawns")
			.description("Workers spawned")
			.tag("pool", pool)
			.register(registry);
	}

	private static Counter exits(MeterRegistry registry, String pool, ExitCause cause) {
		return Counter.builder("pistil.worker.exits")
			.description("Workers ended, by cause")
			.tag("pool", pool)
			.tag("cause", cause.name().toLowerCase(Locale.ROOT))
			.register(registry);
	}

	private static Timer bootTime(MeterRegistry registry, String pool) {
		return Timer.builder("pistil.worker.boot")
			.description("Time from a worker's spawn to its readiness")
			.tag("pool", pool)
			.register(registry);
	}

	private long count(String pool, String state) {
		return find(pool)
			.map((snapshot) -> snapshot.workers().stream().filter((worker) -> worker.state().equals(state)).count())
			.orElse(0L);
	}

	private double busyRatio(String pool) {
		long busy = count(pool, "busy");
		long ready = busy + count(pool, "idle");
		return (ready > 0) ? (double) busy / ready : 0;
	}

	private synchronized double requests(String pool) {
		long live = find(pool).map((snapshot) -> snapshot.workers().stream().mapToLong(WorkerSnapshot::requests).sum())
			.orElse(0L);
		return this.requestsOfExitedWorkers.getOrDefault(pool, 0L) + live;
	}

	private Optional<PoolSnapshot> find(String pool) {
		return snapshot().pools().stream().filter((candidate) -> candidate.name().equals(pool)).findFirst();
	}

	private synchronized ArbiterSnapshot snapshot() {
		long now = System.nanoTime();
		if (this.snapshot == null || now - this.snapshotTakenAt >= this.snapshotMaxAgeNanos) {
			ArbiterSnapshot fresh = this.arbiter.snapshot();
			if (this.snapshot != null) {
				countRequestsOfExitedWorkers(this.snapshot, fresh);
			}
			this.snapshot = fresh;
			this.snapshotTakenAt = now;
		}
		return this.snapshot;
	}

	/**
	 * Keeps the requests that workers gone since the previous snapshot had handled when
	 * last seen.
	 */
	private void countRequestsOfExitedWorkers(ArbiterSnapshot previous, ArbiterSnapshot fresh) {
		Set<Long> live = fresh.pools()
			.stream()
			.flatMap((pool) -> pool.workers().stream())
			.map(WorkerSnapshot::pid)
			.collect(Collectors.toSet());
		for (PoolSnapshot pool : previous.pools()) {
			long requests = pool.workers()
				.stream()
				.filter((worker) -> !live.contains(worker.pid()))
				.mapToLong(WorkerSnapshot::requests)
				.sum();
			this.requestsOfExitedWorkers.merge(pool.name(), requests, Long::sum);
		}
	}

}
