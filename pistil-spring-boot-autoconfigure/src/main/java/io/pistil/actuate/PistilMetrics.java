package io.pistil.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.event.EventListener;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterEvent.ArbiterStarting;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.arbiter.ExitCause;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.WorkerState;

/**
 * Micrometer meters of pistil's pools, each tagged with its {@code pool}:
 * <ul>
 * <li>{@code pistil.workers}, tagged with a {@code state} (booting, idle, busy,
 * stopping): live workers;</li>
 * <li>{@code pistil.workers.desired}: how many workers the pool should run;</li>
 * <li>{@code pistil.workers.busy.ratio}: the share of ready workers that are busy;</li>
 * <li>{@code pistil.worker.requests}: requests handled, those of exited workers
 * included;</li>
 * <li>{@code pistil.worker.restarts}: workers that ended without being asked to, and were
 * replaced;</li>
 * <li>{@code pistil.worker.heartbeat.age}: the longest time since a ready worker's last
 * heartbeat, which nears the pool's {@code timeout} before the arbiter kills a hung
 * worker;</li>
 * <li>{@code pistil.worker.spawns}: workers spawned;</li>
 * <li>{@code pistil.worker.exits}, tagged with a {@code cause} ({@link ExitCause}, in
 * lower case): workers ended;</li>
 * <li>{@code pistil.worker.boot}: time from a worker's spawn to its readiness.</li>
 * </ul>
 * The counters and the timer follow the arbiter's events; the gauges read the snapshot
 * the arbiter publishes after each tick, which never waits for the arbiter.
 */
public class PistilMetrics implements MeterBinder {

	private final Arbiter arbiter;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/** The pools, known once the arbiter starts. */
	private volatile List<String> pools = List.of();

	/**
	 * Creates the meters' source.
	 * @param arbiter the arbiter
	 */
	public PistilMetrics(Arbiter arbiter) {
		this.arbiter = arbiter;
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
		for (WorkerState state : WorkerState.values()) {
			Gauge.builder("pistil.workers", () -> count(pool, state))
				.description("Live workers of the pool in this state")
				.tag("pool", pool)
				.tag("state", state.toString())
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
		FunctionCounter
			.builder("pistil.worker.restarts", this,
					(metrics) -> metrics.find(pool).map(PoolSnapshot::restarts).orElse(0L))
			.description("Workers of the pool that ended without being asked to")
			.tag("pool", pool)
			.register(registry);
		TimeGauge.builder("pistil.worker.heartbeat.age", () -> oldestHeartbeat(pool), TimeUnit.MILLISECONDS)
			.description("Longest time since a ready worker of the pool last beat")
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

	private long count(String pool, WorkerState state) {
		return find(pool)
			.map((snapshot) -> snapshot.workers().stream().filter((worker) -> worker.state() == state).count())
			.orElse(0L);
	}

	private double busyRatio(String pool) {
		long busy = count(pool, WorkerState.BUSY);
		long ready = busy + count(pool, WorkerState.IDLE);
		return (ready > 0) ? (double) busy / ready : 0;
	}

	private long oldestHeartbeat(String pool) {
		return find(pool).stream()
			.flatMap((snapshot) -> snapshot.workers().stream())
			.filter((worker) -> worker.state() == WorkerState.IDLE || worker.state() == WorkerState.BUSY)
			.mapToLong((worker) -> worker.heartbeatAge().toMillis())
			.max()
			.orElse(0);
	}

	private double requests(String pool) {
		return find(pool).map(PoolSnapshot::requests).orElse(0L);
	}

	private Optional<PoolSnapshot> find(String pool) {
		return this.arbiter.snapshot().pool(pool);
	}

}
