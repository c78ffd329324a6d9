package io.pistil.messaging.autoconfigure;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

import io.pistil.child.ChildMain;
import io.pistil.messaging.local.LocalHub;
import io.pistil.messaging.local.WorkerChannel;
import io.pistil.worker.WorkerEvent;

/**
 * Messaging in a worker's context: its channel to the arbiter's hub, the
 * {@code PistilMessaging} bean and the worker's listeners; and, for cluster queues,
 * Spring Boot's RabbitMQ connection factory, configured by {@code spring.rabbitmq.*}. The
 * {@link MessagingChildInitializer} adds it to every worker's context when the
 * configuration declares queues or topics.
 */
@Configuration(proxyBeanMethods = false)
@Import({ MessagingConfiguration.class, WorkerMessagingConfiguration.Rabbit.class })
public class WorkerMessagingConfiguration {

	@Bean(name = MessagingConfiguration.LOCAL_TRANSPORT, destroyMethod = "close")
	WorkerChannel pistilWorkerChannel(Environment environment, MessagingProperties properties) {
		Path runDirectory = Path.of(environment.getRequiredProperty(ChildMain.RUN_DIRECTORY_PROPERTY));
		return WorkerChannel.connect(LocalHub.directory(runDirectory), MessagingSettingsFactory.ringSize(properties),
				properties.getSpin());
	}

	@Bean
	StopOnInterrupt pistilListenersStopOnInterrupt(PistilListeners listeners) {
		return new StopOnInterrupt(listeners);
	}

	/**
	 * A worker told to stop takes no new delivery: those it holds go back to the queue
	 * while its current step and listeners finish.
	 */
	static final class StopOnInterrupt {

		private final PistilListeners listeners;

		StopOnInterrupt(PistilListeners listeners) {
			this.listeners = listeners;
		}

		@EventListener
		void interrupted(WorkerEvent.Interrupted interrupted) {
			// Off the signal handler's thread: the running listeners may take a while.
			Thread stopping = new Thread(this.listeners::stop, "pistil-listeners-stop");
			stopping.setDaemon(true);
			stopping.start();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = MessagingSettingsFactory.RABBIT_TEMPLATE)
	@Conditional(OnClusterScope.class)
	@ImportAutoConfiguration(org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration.class)
	static class Rabbit {

	}

}
