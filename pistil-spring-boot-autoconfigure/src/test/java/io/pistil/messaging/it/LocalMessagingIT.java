package io.pistil.messaging.it;

import com.jayway.jsonpath.DocumentContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local queues, through the arbiter's hub and the workers' shared memory.
 */
class LocalMessagingIT extends MessagingIntegrationTests {

	@Override
	protected String scope() {
		return "local";
	}

	/** The hub blocks in its selector between requests; none may be left waiting. */
	@Test
	void requestsOneAfterTheOtherAreAllAnsweredWhileTheHubKeepsParking() {
		DocumentContext outcome = probe("{\"action\":\"requests\",\"destination\":\"ask\",\"count\":5000}");

		assertThat(outcome.read("$.answered", Integer.class)).isEqualTo(5000);
	}

	@Test
	void aRequestDeadLetteredFailsItsRequesterWithTheLastError() {
		DocumentContext outcome = probe("{\"action\":\"request\",\"destination\":\"poison\",\"payload\":\"pill\"}");

		assertThat(outcome.read("$.error", String.class)).contains("RequestFailedException")
			.contains("delivered 3 times")
			.contains("IllegalStateException: cannot take pill (delivery 3)");
	}

}
