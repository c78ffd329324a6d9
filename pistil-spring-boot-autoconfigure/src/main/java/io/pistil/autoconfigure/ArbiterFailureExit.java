package io.pistil.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import io.pistil.arbiter.ArbiterEvent.ArbiterFailed;
import io.pistil.contract.ExitCodes;

/**
 * Ends the application when its arbiter has failed: the arbiter stopped every worker and
 * supervises nothing any more, so an application left running would only look alive. It
 * closes the context and exits with {@value ExitCodes#FAILED}.
 */
class ArbiterFailureExit {

	private static final Log logger = LogFactory.getLog(ArbiterFailureExit.class);

	private final ConfigurableApplicationContext context;

	ArbiterFailureExit(ConfigurableApplicationContext context) {
		this.context = context;
	}

	@EventListener
	void on(ArbiterFailed failed) {
		if (!this.context.isRunning()) {
			// Still starting: the start fails with the arbiter's failure.
			return;
		}
		logger.error("pistil: the arbiter failed (" + failed.failure() + "); every worker has been stopped."
				+ " Closing the application");
		Thread exit = new Thread(() -> System.exit(SpringApplication.exit(this.context, () -> ExitCodes.FAILED)),
				"pistil-failure-exit");
		exit.start();
	}

}
