package io.pistil.arbiter;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The restart decision table, the backoff and the restart intensity.
 */
class RestartPolicyTests {

	private final RestartPolicy policy = new RestartPolicy(RestartType.PERMANENT, 3, Duration.ofSeconds(10),
			Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

	@Test
	void restartDecisionFollowsOtp() {
		assertThat(RestartType.PERMANENT.restarts(true)).isTrue();
		assertThat(RestartType.PERMANENT.restarts(false)).isTrue();
		assertThat(RestartType.TRANSIENT.restarts(true)).isFalse();
		assertThat(RestartType.TRANSIENT.restarts(false)).isTrue();
		assertThat(RestartType.TEMPORARY.restarts(true)).isFalse();
		assertThat(RestartType.TEMPORARY.restarts(false)).isFalse();
	}

	@Test
	void firstRestartOfAStreakIsImmediateUnlessTheWorkerNeverGotReady() {
		assertThat(this.policy.backoff(1, false)).isZero();
		assertThat(this.policy.backoff(1, true)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
	}

	@RepeatedTest(20)
	void backoffDoublesWithJitterUpToItsMaximum() {
		assertThat(this.policy.backoff(2, false)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
		assertThat(this.policy.backoff(3, false)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
		assertThat(this.policy.backoff(4, false)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
		assertThat(this.policy.backoff(10, false)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
		assertThat(this.policy.backoff(1000, false)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
	}

	@Test
	void intensityCountsRestartsInASlidingWindow() {
		Pool pool = new Pool(new WorkerSpec("p", ChildType.WORKER, "W", null, 1, 0, 4, 1, Duration.ofSeconds(30),
				Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ZERO, io.pistil.worker.ContextMode.SLIM,
				java.util.List.of(), java.util.Map.of(), java.util.Map.of(), this.policy, ShutdownMode.GRACEFUL, null,
				Recycling.NONE, RunAs.ARBITER));
		long second = Duration.ofSeconds(1).toNanos();
		assertThat(pool.restartExceedsIntensity(0)).isFalse();
		assertThat(pool.restartExceedsIntensity(second)).isFalse();
		assertThat(pool.restartExceedsIntensity(2 * second)).isFalse();
		assertThat(pool.restartExceedsIntensity(3 * second)).as("a fourth restart within 10 s").isTrue();
		pool.recover();
		assertThat(pool.restartExceedsIntensity(4 * second)).isFalse();
		assertThat(pool.restartExceedsIntensity(20 * second)).isFalse();
		assertThat(pool.restartExceedsIntensity(21 * second)).isFalse();
		assertThat(pool.restartExceedsIntensity(22 * second)).as("the one at 4 s has left the window").isFalse();
		assertThat(pool.restartExceedsIntensity(23 * second)).isTrue();
	}

	@Test
	void invalidPolicyNamesItsSetting() {
		RestartPolicy inverted = new RestartPolicy(RestartType.PERMANENT, 3, Duration.ofSeconds(10),
				Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> inverted.validate("p"))
			.withMessage("Invalid value '1s' for backoff-max of pool 'p': must be backoff-min or more");
		RestartPolicy negative = new RestartPolicy(RestartType.PERMANENT, -1, Duration.ofSeconds(10),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> negative.validate("p"))
			.withMessageContaining("max-restarts");
	}

}
