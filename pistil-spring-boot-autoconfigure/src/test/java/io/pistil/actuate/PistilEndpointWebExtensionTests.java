package io.pistil.actuate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.pistil.actuate.PistilEndpoint.PoolDescriptor;
import io.pistil.actuate.PistilEndpointWebExtension.Refusal;
import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterState;
import io.pistil.arbiter.ChildType;
import io.pistil.arbiter.CommandRefusedException;
import io.pistil.arbiter.PoolState;
import io.pistil.arbiter.Snapshots.ArbiterSnapshot;
import io.pistil.arbiter.Snapshots.PoolSnapshot;
import io.pistil.arbiter.Snapshots.WorkerSnapshot;
import io.pistil.arbiter.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The {@code pistil} endpoint's write operation over HTTP: which request gets which
 * status and message, and that a refused one changes nothing.
 */
class PistilEndpointWebExtensionTests {

	private static final long WORKER_PID = 4242;

	private final Arbiter arbiter = mock(Arbiter.class);

	private final PistilEndpointWebExtension extension = new PistilEndpointWebExtension(
			new PistilEndpoint(this.arbiter));

	PistilEndpointWebExtensionTests() {
		PoolSnapshot ticks = new PoolSnapshot("ticks", ChildType.WORKER, PoolState.RUNNING, 2, 1, 1, 0, 3, 0, 0, List
			.of(new WorkerSnapshot(1, WORKER_PID, WorkerState.IDLE, 0, Instant.now(), Duration.ZERO, 0, false)));
		given(this.arbiter.poolNames()).willReturn(List.of("ticks"));
		given(this.arbiter.snapshot())
			.willReturn(new ArbiterSnapshot(1, ArbiterState.RUNNING, Instant.now(), List.of(ticks)));
		given(this.arbiter.scale(anyString(), anyInt())).willReturn(ticks);
		given(this.arbiter.increment(anyString())).willReturn(ticks);
	}

	@Test
	void aChangeAnswersThePoolAfterIt() {
		WebEndpointResponse<?> response = this.extension.change("ticks", 3, null, null);

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getBody()).isInstanceOfSatisfying(PoolDescriptor.class,
				(pool) -> assertThat(pool.desired()).isEqualTo(2));
		verify(this.arbiter).scale("ticks", 3);
	}

	@Test
	void wholeNumbersOfAnyJsonShapeAreTakenAndFractionsRefused() {
		this.extension.change("ticks", new BigDecimal("3.0"), null, null);
		this.extension.change("ticks", BigInteger.TWO, null, null);
		verify(this.arbiter).scale("ticks", 3);
		verify(this.arbiter).scale("ticks", 2);

		assertRefused(this.extension.change("ticks", 2.5, null, null), 400,
				"'workers' must be a whole number, not '2.5'");
		assertRefused(this.extension.change("ticks", Double.NaN, null, null), 400,
				"'workers' must be a whole number, not 'NaN'");
		assertRefused(this.extension.change("ticks", 99_999_999_999L, null, null), 400,
				"'workers' is out of range: 99999999999");
		assertRefused(this.extension.change("ticks", new BigInteger("99999999999999999999"), null, null), 400,
				"'workers' is out of range: 99999999999999999999");
		verify(this.arbiter, never()).scale("ticks", 0);
	}

	@Test
	void badCombinationsAreRefusedWithWhatToSend() {
		assertRefused(this.extension.change("ticks", null, null, null), 400, "Nothing to do. Send {\"workers\": n}");
		assertRefused(this.extension.change("ticks", 3, PoolAction.INCR, null), 400,
				"Send either workers or an action, not both");
		assertRefused(this.extension.change("ticks", null, PoolAction.INCR, 1), 400,
				"A pid goes with the replace action only");
		assertRefused(this.extension.change("ticks", null, PoolAction.REPLACE, null), 400,
				"The replace action needs the pid of the worker to replace");
		assertRefused(this.extension.change("ticks", null, PoolAction.REPLACE, 7), 400,
				"Pool 'ticks' has no worker with pid 7");
		verify(this.arbiter, never()).increment(anyString());
		verify(this.arbiter, never()).replace(anyLong());
	}

	@Test
	void aCountOutOfThePoolsBoundsIsABadRequest() {
		given(this.arbiter.scale("ticks", 9))
			.willThrow(new IllegalArgumentException("Pool 'ticks' takes between 0 and 3 workers, not 9"));

		assertRefused(this.extension.change("ticks", 9, null, null), 400,
				"Pool 'ticks' takes between 0 and 3 workers, not 9");
	}

	@Test
	void anUnknownPoolIsNotFoundForReadsAndChanges() {
		assertRefused(this.extension.pool("nothing"), 404, "No pool named 'nothing'");
		assertRefused(this.extension.change("nothing", 1, null, null), 404, "No pool named 'nothing'");
		verify(this.arbiter, never()).scale(anyString(), anyInt());
	}

	@Test
	void aChangeThePoolCannotTakeNowIsAConflict() {
		willThrow(new CommandRefusedException("Pool 'ticks' is reloading: every worker is being replaced"))
			.given(this.arbiter)
			.replace(WORKER_PID);

		assertRefused(this.extension.change("ticks", null, PoolAction.REPLACE, WORKER_PID), 409,
				"Pool 'ticks' is reloading: every worker is being replaced");
	}

	private static void assertRefused(WebEndpointResponse<?> response, int status, String message) {
		assertThat(response.getStatus()).isEqualTo(status);
		assertThat(response.getBody()).isInstanceOfSatisfying(Refusal.class, (refusal) -> {
			assertThat(refusal.status()).isEqualTo(status);
			assertThat(refusal.message()).startsWith(message);
		});
	}

}
