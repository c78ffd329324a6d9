package io.pistil.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pistil.arbiter.WorkerBootException;

/**
 * Explains a worker that failed to start with the worker's own error.
 */
class WorkerBootFailureAnalyzer extends AbstractFailureAnalyzer<WorkerBootException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WorkerBootException cause) {
		return new FailureAnalysis(cause.getMessage(), "Fix the worker's context. The lines prefixed ["
				+ cause.getWorker().replaceAll(" .*", "") + " pid ...] above show its whole log.", cause);
	}

}
