package io.pistil.messaging.autoconfigure;

import java.util.Map;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import io.pistil.messaging.PistilMessaging;

/**
 * Declares a {@link QueueChannel} bean named {@code <queue>Channel} for each queue of
 * {@code pistil.messaging.queues}.
 */
final class QueueChannelRegistrar implements BeanDefinitionRegistryPostProcessor {

	private final Environment environment;

	QueueChannelRegistrar(Environment environment) {
		this.environment = environment;
	}

	static String beanName(String queue) {
		return queue + "Channel";
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		Map<String, Object> queues = Binder.get(this.environment)
			.bind("pistil.messaging.queues", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String queue : queues.keySet()) {
			if (registry.containsBeanDefinition(beanName(queue))) {
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(QueueChannel.class);
			definition.setInstanceSupplier(() -> new QueueChannel(queue,
					((ConfigurableListableBeanFactory) registry).getBean(PistilMessaging.class)));
			registry.registerBeanDefinition(beanName(queue), definition);
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

}
