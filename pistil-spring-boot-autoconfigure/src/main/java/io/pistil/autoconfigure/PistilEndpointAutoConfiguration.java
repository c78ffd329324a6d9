package io.pistil.autoconfigure;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.pistil.actuate.PistilEndpoint;
import io.pistil.actuate.PistilEndpointWebExtension;
import io.pistil.arbiter.Arbiter;
import io.pistil.messaging.MessagingStatistics;

/**
 * The {@code pistil} actuator endpoint, for applications with the actuator, when the
 * endpoint is available (its access is not none, and it is exposed), with its web
 * extension when it is exposed over HTTP.
 */
@AutoConfiguration(after = PistilAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(Arbiter.class)
public final class PistilEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	PistilEndpoint pistilEndpoint(Arbiter arbiter, ObjectProvider<MessagingStatistics> queues) {
		return new PistilEndpoint(arbiter, queues.getIfAvailable(() -> Map::of));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(PistilEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	PistilEndpointWebExtension pistilEndpointWebExtension(PistilEndpoint endpoint) {
		return new PistilEndpointWebExtension(endpoint);
	}

}
