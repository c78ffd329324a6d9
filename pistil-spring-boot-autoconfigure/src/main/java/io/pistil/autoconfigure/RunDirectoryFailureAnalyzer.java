package io.pistil.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pistil.arbiter.RunDirectoryException;

/**
 * Explains a run directory the arbiter cannot make: it lives in {@code java.io.tmpdir}.
 */
class RunDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<RunDirectoryException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RunDirectoryException cause) {
		String action = String.format(
				"Make %s a directory this user can write to, with free space, or start the "
						+ "JVM with -Djava.io.tmpdir set to one: pistil makes its run directory there.",
				cause.getParent());
		return new FailureAnalysis(cause.getCause().getMessage() + ".", action, cause);
	}

}
