package io.pistil.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.WorkerState;
import io.pistil.arbiter.ArbiterEvent.ArbiterStarting;
import io.pistil.arbiter.ArbiterEvent.WorkerExited;
import io.pistil.arbiter.ArbiterEvent.WorkerReady;
import io.pistil.arbiter.ArbiterEvent.WorkerStarted;
import io.pistil.arbiter.ExitCause;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;
import io.pistil.process.ExitStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The meters of {@link PistilMetrics}, fed with events and snapshots.
 */
class PistilMetricsTests {

	private final Arbiter arbiter = mock(Arbiter.class);

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void everyMeterOfAPoolIsThereOnceTheArbiterStarts() {
		PistilMetrics metrics = bound();

		metrics.onStarting(new ArbiterStarting(1, List.of("web")));

		assertThat(this.registry.find("pistil.workers").tag("pool", "web").gauges()).hasSize(4);
		assertThat(this.registry.find("pistil.worker.exits").tag("pool", "web").counters())
			.hasSize(ExitCause.values().length)
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(this.registry.get("pistil.workers.desired").tag("pool", "web").gauge()).isNotNull();
		assertThat(this.registry.get("pistil.workers.busy.ratio").tag("pool", "web").gauge()).isNotNull();
		assertThat(this.registry.get("pistil.worker.requests").tag("pool", "web").functionCounter()).isNotNull();
		assertThat(this.registry.get("pistil.worker.spawns").tag("pool", "web").counter().count()).isZero();
		assertThat(this.registry.get("pistil.worker.boot").tag("pool", "web").timer().count()).isZero();
	}

	@Test
	void countersAndTimerFollowTheEvents() {
		PistilMetrics metrics = bound();
		metrics.onStarting(new ArbiterStarting(1, List.of("web")));

		metrics.onStarted(new WorkerStarted("web", 1, 101));
		metrics.onReady(new WorkerReady("web", 1, 101, Duration.ofMillis(1500)));
		metrics.onExited(new WorkerExited("web", 1, 101, new ExitStatus(-1, 9), ExitCause.KILLED));
		metrics.onExited(new WorkerExited("web", 2, 102, new ExitStatus(3, 0), ExitCause.BOOT_FAILURE));

		assertThat(this.registry.get("pistil.worker.spawns").tag("pool", "web").counter().count()).isOne();
		assertThat(this.registry.get("pistil.worker.boot").tag("pool", "web").timer().totalTime(TimeUnit.MILLISECONDS))
			.isEqualTo(1500);
		assertThat(this.registry.get("pistil.worker.exits").tags("pool", "web", "cause", "killed").counter().count())
			.isOne();
		assertThat(
				this.registry.get("pistil.worker.exits").tags("pool", "web", "cause", "boot_failure").counter().count())
			.isOne();
		assertThat(this.registry.get("pistil.worker.exits").tags("pool", "web", "cause", "crash").counter().count())
			.isZero();
	}

	@Test
	void gaugesCountWorkersByStateFromTheArbitersSnapshot() {
		given(this.arbiter.snapshot()).willReturn(snapshot(pool(3, 0, worker(101, WorkerState.BUSY, 0),
				worker(102, WorkerState.IDLE, 0), worker(103, WorkerState.IDLE, 0), worker(104, WorkerState.IDLE, 0),
				worker(105, WorkerState.BOOTING, 0))));
		PistilMetrics metrics = bound();
		metrics.onStarting(new ArbiterStarting(1, List.of("web")));

		assertThat(gauge("pistil.workers", "state", "idle")).isEqualTo(3);
		assertThat(gauge("pistil.workers", "state", "busy")).isEqualTo(1);
		assertThat(gauge("pistil.workers", "state", "booting")).isEqualTo(1);
		assertThat(gauge("pistil.workers", "state", "stopping")).isZero();
		assertThat(this.registry.get("pistil.workers.desired").tag("pool", "web").gauge().value()).isEqualTo(3);
		assertThat(this.registry.get("pistil.workers.busy.ratio").tag("pool", "web").gauge().value()).isEqualTo(0.25);
	}

	@Test
	void requestCounterIsThePoolsTotalWhichKeepsTheRequestsOfWorkersThatExited() {
		given(this.arbiter.snapshot()).willReturn(snapshot(pool(2, 8, worker(101, WorkerState.IDLE, 5))));
		PistilMetrics metrics = bound();
		metrics.onStarting(new ArbiterStarting(1, List.of("web")));

		assertThat(requests()).isEqualTo(8);
	}

	@Test
	void restartsAndHeartbeatAgeComeFromTheSnapshot() {
		WorkerSnapshot lagging = new WorkerSnapshot(1, 101, WorkerState.BUSY, 0, Instant.now(), Duration.ofSeconds(7),
				0, false);
		WorkerSnapshot booting = new WorkerSnapshot(2, 102, WorkerState.BOOTING, 0, Instant.now(),
				Duration.ofSeconds(30), 0, false);
		given(this.arbiter.snapshot()).willReturn(snapshot(new PoolSnapshot("web", ChildType.WORKER, PoolState.RUNNING,
				2, 2, 1, 0, 64, 4, 0, List.of(lagging, worker(103, WorkerState.IDLE, 0), booting))));
		PistilMetrics metrics = bound();
		metrics.onStarting(new ArbiterStarting(1, List.of("web")));

		assertThat(this.registry.get("pistil.worker.restarts").tag("pool", "web").functionCounter().count())
			.isEqualTo(4);
		assertThat(
				this.registry.get("pistil.worker.heartbeat.age").tag("pool", "web").timeGauge().value(TimeUnit.SECONDS))
			.as("a booting worker has not beaten yet: it does not count")
			.isEqualTo(7);
	}

	private PistilMetrics bound() {
		PistilMetrics metrics = new PistilMetrics(this.arbiter);
		metrics.bindTo(this.registry);
		return metrics;
	}

	private double gauge(String name, String tag, String value) {
		return this.registry.get(name).tags("pool", "web", tag, value).gauge().value();
	}

	private double requests() {
		return this.registry.get("pistil.worker.requests").tag("pool", "web").functionCounter().count();
	}

	private static ArbiterSnapshot snapshot(PoolSnapshot pool) {
		return new ArbiterSnapshot(1, ArbiterState.RUNNING, Instant.now(), List.of(pool));
	}

	private static PoolSnapshot pool(int desired, long requests, WorkerSnapshot... workers) {
		return new PoolSnapshot("web", ChildType.WORKER, PoolState.RUNNING, desired, workers.length, workers.length, 0,
				64, 0, requests, List.of(workers));
	}

	private static WorkerSnapshot worker(long pid, WorkerState state, long requests) {
		return new WorkerSnapshot((int) pid - 100, pid, state, 0, Instant.now(), Duration.ZERO, requests, false);
	}

}
