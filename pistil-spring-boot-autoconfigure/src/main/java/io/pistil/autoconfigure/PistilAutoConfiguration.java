package io.pistil.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.LaunchSettings;
import io.pistil.process.ProcessControl;

/**
 * Runs pistil's arbiter over the application's {@code @PistilWorker} beans and
 * {@code pistil.workers.*} pools.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "pistil.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PistilProperties.class)
public final class PistilAutoConfiguration {

	/** For contexts started without Spring Boot's initializers, such as tests'. */
	@Bean(PistilWorkerRegistrar.BEAN_NAME)
	@ConditionalOnMissingBean
	static PistilWorkerRegistrar pistilWorkerRegistrar() {
		return new PistilWorkerRegistrar(true);
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessControl pistilProcessControl() {
		return ProcessControl.load();
	}

	@Bean
	@ConditionalOnMissingBean
	Arbiter pistilArbiter(PistilProperties properties, PistilWorkerRegistrar registrar,
			ConfigurableListableBeanFactory beanFactory, Environment environment, ProcessControl processControl) {
		WorkerSpecs specs = new WorkerSpecs(properties, registrar.declaredWorkers(), beanFactory,
				beanFactory.getBeanClassLoader());
		LaunchSettings launch = LaunchSettings.ofCurrentJvm(applicationClass(beanFactory),
				List.of(environment.getActiveProfiles()));
		return new Arbiter(specs.resolve(), launch, processControl, System.out, System.err);
	}

	@Bean
	ArbiterLifecycle pistilArbiterLifecycle(Arbiter arbiter, PistilProperties properties,
			ConfigurableApplicationContext context) {
		return new ArbiterLifecycle(arbiter, context, properties.isHandleSignals());
	}

	private static String applicationClass(ConfigurableListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanNamesForAnnotation(SpringBootConfiguration.class)) {
			Class<?> type = beanFactory.getType(name, false);
			if (type != null) {
				return ClassUtils.getUserClass(type).getName();
			}
		}
		return null;
	}

}
