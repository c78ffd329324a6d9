package io.pistil.messaging.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an invalid queue or topic setting in terms of its property.
 */
class InvalidMessagingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidMessagingPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidMessagingPropertyException cause) {
		String description = String.format("Invalid value '%s' for property %s: %s.", cause.getValue(),
				cause.getProperty(), cause.getReason());
		return new FailureAnalysis(description, "Update " + cause.getProperty() + " in your configuration.", cause);
	}

}
