package io.pistil.messaging.autoconfigure;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

import io.pistil.child.ChildMain;

/**
 * Adds {@link WorkerMessagingConfiguration} to a worker's context (a child JVM, slim or
 * full) when the configuration declares queues or topics: a worker's slim context has no
 * auto-configuration, and its arbiter's is off there.
 */
public class MessagingChildInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (context.getEnvironment().containsProperty(ChildMain.RUN_DIRECTORY_PROPERTY)
				&& OnMessagingConfigured.isConfigured(context.getEnvironment())
				&& context instanceof GenericApplicationContext generic) {
			generic.registerBean(WorkerMessagingConfiguration.class);
		}
	}

}
