package io.pistil.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pistil.net.ListenException;

/**
 * Explains a pool that cannot listen on one of its addresses.
 */
class ListenFailureAnalyzer extends AbstractFailureAnalyzer<ListenException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenException cause) {
		String action = String.format("Stop the process that listens on %s, or change pistil.workers.%s.listen.",
				cause.getAddress(), cause.getPool());
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

}
