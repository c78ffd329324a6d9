package io.pistil.messaging.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import io.pistil.messaging.support.QueueSettings.Scope;

/** Matches when a queue or a topic has {@code scope: cluster}. */
class OnClusterScope extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		boolean cluster = usesCluster(binder, "pistil.messaging.queues")
				|| usesCluster(binder, "pistil.messaging.topics");
		return cluster ? ConditionOutcome.match("a queue or topic has scope cluster")
				: ConditionOutcome.noMatch("no queue or topic has scope cluster");
	}

	private static boolean usesCluster(Binder binder, String prefix) {
		Map<String, MessagingProperties.Topic> entries = binder
			.bind(prefix, Bindable.mapOf(String.class, MessagingProperties.Topic.class))
			.orElse(Map.of());
		return entries.values().stream().anyMatch((entry) -> entry.getScope() == Scope.CLUSTER);
	}

}
