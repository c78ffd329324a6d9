package io.pistil.messaging.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.util.ClassUtils;

import io.pistil.messaging.cluster.RabbitTransport;
import io.pistil.messaging.support.ClusterCounts;
import io.pistil.messaging.support.DefaultPistilMessaging;
import io.pistil.messaging.support.MessagingSettings;
import io.pistil.messaging.support.PayloadConverter;
import io.pistil.messaging.support.Transport;

/**
 * What the arbiter's context and every worker's share: the validated settings, the
 * converter, the {@code PistilMessaging} bean over the local transport (the hub or a
 * worker's channel, declared by the side) and the cluster one, the listeners, and a
 * channel bean per queue.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MessagingProperties.class)
class MessagingConfiguration {

	/** The bean name of the side's local transport. */
	static final String LOCAL_TRANSPORT = "pistilLocalTransport";

	static final String CONVERTER = "pistilMessageConverter";

	private static final String JACKSON = "tools.jackson.databind.json.JsonMapper";

	@Bean
	static QueueChannelRegistrar pistilQueueChannels(Environment environment) {
		return new QueueChannelRegistrar(environment);
	}

	@Bean
	MessagingSettings pistilMessagingSettings(MessagingProperties properties,
			ConfigurableListableBeanFactory beanFactory) {
		return MessagingSettingsFactory.settings(properties, beanFactory.getBeanClassLoader());
	}

	@Bean(CONVERTER)
	@ConditionalOnMissingBean(name = CONVERTER)
	MessageConverter pistilMessageConverter(ConfigurableListableBeanFactory beanFactory) {
		List<MessageConverter> converters = new ArrayList<>(
				List.of(new ByteArrayMessageConverter(), new StringMessageConverter()));
		if (ClassUtils.isPresent(JACKSON, beanFactory.getBeanClassLoader())) {
			converters.add(new JacksonJsonMessageConverter());
		}
		return new CompositeMessageConverter(converters);
	}

	@Bean
	DefaultPistilMessaging pistilMessaging(MessagingSettings settings, @Qualifier(LOCAL_TRANSPORT) Transport local,
			ObjectProvider<RabbitTransport> cluster, @Qualifier(CONVERTER) MessageConverter converter) {
		return new DefaultPistilMessaging(settings, local, cluster.getIfAvailable(), new PayloadConverter(converter));
	}

	@Bean
	PistilListeners pistilListeners(ConfigurableListableBeanFactory beanFactory, DefaultPistilMessaging messaging) {
		return new PistilListeners(beanFactory, messaging);
	}

	/** The cluster scope, when a queue or a topic has it and Spring AMQP is there. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = MessagingSettingsFactory.RABBIT_TEMPLATE)
	@Conditional(OnClusterScope.class)
	static class ClusterScope {

		@Bean(destroyMethod = "close")
		RabbitTransport pistilRabbitTransport(ConnectionFactory connectionFactory, MessagingSettings settings,
				ClusterCounts counts) {
			return new RabbitTransport(connectionFactory, settings, counts);
		}

	}

}
