package io.pistil.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pistil.arbiter.InvalidSpecException;

/**
 * Explains an invalid pool setting in terms of the property that holds it.
 */
class InvalidSpecFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSpecException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSpecException cause) {
		String property = "pistil.workers." + cause.getPool() + "." + cause.getProperty();
		String description = String.format("Invalid value '%s' for property %s: %s.", cause.getDisplayValue(), property,
				cause.getReason());
		String action = String.format("Update %s in your configuration, or the @PistilWorker annotation of pool '%s'.",
				property, cause.getPool());
		return new FailureAnalysis(description, action, cause);
	}

}
