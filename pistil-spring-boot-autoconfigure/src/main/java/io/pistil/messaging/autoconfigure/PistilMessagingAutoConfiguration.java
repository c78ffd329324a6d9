package io.pistil.messaging.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import io.pistil.actuate.QueueMetrics;
import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterEvent;
import io.pistil.autoconfigure.PistilAutoConfiguration;
import io.pistil.messaging.MessagingStatistics;
import io.pistil.messaging.QueueStatistics;
import io.pistil.messaging.cluster.RabbitTransport;
import io.pistil.messaging.local.LocalHub;
import io.pistil.messaging.support.MessagingSettings;
import io.pistil.messaging.support.QueueSettings;
import io.pistil.messaging.support.QueueSettings.Scope;

/**
 * Messaging in the arbiter: the local hub in its run directory, the
 * {@code PistilMessaging} bean, the listeners of the arbiter's beans, and the queues'
 * figures. Workers get theirs from {@link WorkerMessagingConfiguration}.
 */
@AutoConfiguration(after = PistilAutoConfiguration.class,
		afterName = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration")
@ConditionalOnBooleanProperty(name = "pistil.enabled", matchIfMissing = true)
@ConditionalOnBean(Arbiter.class)
@Conditional(OnMessagingConfigured.class)
@Import(MessagingConfiguration.class)
public final class PistilMessagingAutoConfiguration {

	@Bean(name = MessagingConfiguration.LOCAL_TRANSPORT, destroyMethod = "close")
	LocalHub pistilMessagingHub(Arbiter arbiter, MessagingSettings settings, MessagingProperties properties) {
		return LocalHub.start(arbiter.runDirectory(), settings.queues(Scope.LOCAL),
				settings.queues(Scope.CLUSTER).stream().map(QueueSettings::name).toList(), properties.getSpin());
	}

	@Bean
	WorkerLifeEvents pistilMessagingWorkerEvents(LocalHub hub) {
		return new WorkerLifeEvents(hub);
	}

	@Bean
	MessagingStatistics pistilMessagingStatistics(LocalHub hub, MessagingSettings settings,
			ObjectProvider<RabbitTransport> cluster) {
		return () -> {
			Map<String, QueueStatistics> local = hub.statistics();
			Map<String, QueueStatistics> queues = new LinkedHashMap<>();
			for (QueueSettings queue : settings.queues().values()) {
				queues.put(queue.name(), (queue.scope() == Scope.LOCAL) ? local.get(queue.name())
						: hub.clusterStatistics(queue.name(), cluster.getObject().depth(queue.name())));
			}
			return queues;
		};
	}

	/** The queues' meters, for applications with Micrometer. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		/** Long enough for one scrape of every meter to read the figures once. */
		private static final long FIGURES_MAX_AGE_MILLIS = 1000;

		@Bean
		QueueMetrics pistilQueueMetrics(MessagingStatistics statistics, MessagingSettings settings) {
			return new QueueMetrics(statistics, List.copyOf(settings.queues().keySet()), FIGURES_MAX_AGE_MILLIS);
		}

	}

	/**
	 * Tells the hub of the workers' lives, from the arbiter's events: a worker's name
	 * when it starts; its end, so that what it had in flight goes to other workers.
	 */
	static final class WorkerLifeEvents {

		private final LocalHub hub;

		WorkerLifeEvents(LocalHub hub) {
			this.hub = hub;
		}

		@EventListener
		void started(ArbiterEvent.WorkerStarted started) {
			this.hub.workerStarted(started.pid(), started.pool() + "." + started.number());
		}

		@EventListener
		void exited(ArbiterEvent.WorkerExited exited) {
			this.hub.workerExited(exited.pid());
		}

	}

}
