package io.pistil.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.pistil.actuate.PistilHealthIndicator.PoolHealth;
import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.WorkerState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The {@code pistil} health contributor's verdicts on arbiter snapshots.
 */
class PistilHealthIndicatorTests {

	private final Arbiter arbiter = mock(Arbiter.class);

	private final PistilHealthIndicator indicator = new PistilHealthIndicator(this.arbiter);

	@Test
	void upWhenEveryPoolHasItsDesiredReadyWorkers() {
		given(this.arbiter.snapshot()).willReturn(new ArbiterSnapshot(1, ArbiterState.RUNNING, Instant.now(),
				List.of(pool("web", 2, 2), pool("idle", 0, 0))));

		Health health = this.indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("state", ArbiterState.RUNNING)
			.containsEntry("pools", Map.of("web", new PoolHealth(2, 2, PoolState.RUNNING), "idle",
					new PoolHealth(0, 0, PoolState.RUNNING)));
	}

	@Test
	void downWhenAPoolLacksReadyWorkers() {
		given(this.arbiter.snapshot()).willReturn(new ArbiterSnapshot(1, ArbiterState.RUNNING, Instant.now(),
				List.of(pool("web", 2, 2), pool("flaky", 2, 1))));

		Health health = this.indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).extractingByKey("pools")
			.isEqualTo(Map.of("web", new PoolHealth(2, 2, PoolState.RUNNING), "flaky",
					new PoolHealth(2, 1, PoolState.RUNNING)));
	}

	@Test
	void downWhenTheArbiterIsNotRunning() {
		given(this.arbiter.snapshot())
			.willReturn(new ArbiterSnapshot(1, ArbiterState.STOPPED, Instant.now(), List.of()));

		Health health = this.indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("state", ArbiterState.STOPPED);
	}

	@Test
	void downWithTheErrorWhenTheArbiterCannotBeRead() {
		given(this.arbiter.snapshot()).willThrow(new IllegalStateException("The arbiter has not begun"));

		Health health = this.indicator.health();

		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error",
				"java.lang.IllegalStateException: The arbiter has not begun");
	}

	private static PoolSnapshot pool(String name, int desired, int ready) {
		List<WorkerSnapshot> workers = LongStream.rangeClosed(1, ready)
			.mapToObj((pid) -> new WorkerSnapshot((int) pid, pid, WorkerState.IDLE, 0, Instant.now(), Duration.ZERO, 0,
					false))
			.toList();
		return new PoolSnapshot(name, ChildType.WORKER, PoolState.RUNNING, desired, ready, ready, 0, 64, 0, 0, workers);
	}

}
