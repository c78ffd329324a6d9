package io.pistil.messaging.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the configuration declares a queue or a topic under
 * {@code pistil.messaging}: without any, no context pays for messaging.
 */
class OnMessagingConfigured extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return isConfigured(context.getEnvironment()) ? ConditionOutcome.match("pistil.messaging declares queues")
				: ConditionOutcome
					.noMatch("no queue or topic under pistil.messaging.queues or pistil.messaging.topics");
	}

	static boolean isConfigured(Environment environment) {
		Binder binder = Binder.get(environment);
		return !names(binder, "pistil.messaging.queues").isEmpty()
				|| !names(binder, "pistil.messaging.topics").isEmpty();
	}

	private static Map<String, Object> names(Binder binder, String prefix) {
		return binder.bind(prefix, Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
	}

}
