package io.pistil.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that a stop signal ended: nothing is wrong with the application.
 */
class StoppedWhileStartingFailureAnalyzer extends AbstractFailureAnalyzer<StoppedWhileStartingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StoppedWhileStartingException cause) {
		return new FailureAnalysis("The application received SIG" + cause.getSignal()
				+ " while pistil's workers were starting: every worker has been stopped, and the application exits with "
				+ cause.getExitCode() + ".", "None: the stop was asked for.", cause);
	}

}
