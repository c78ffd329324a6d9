package io.pistil.autoconfigure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;

import io.pistil.arbiter.InvalidSpecException;
import io.pistil.worker.PistilWorker;

/**
 * Collects the {@link PistilWorker @PistilWorker} beans and removes them from the arbiter's context:
 * workers run only in child JVMs, so the arbiter never creates one.
 */
public class PistilWorkerRegistrar implements BeanDefinitionRegistryPostProcessor {

	private final Map<String, DeclaredWorker> declared = new LinkedHashMap<>();

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		for (String beanName : registry.getBeanDefinitionNames()) {
			BeanDefinition definition = registry.getBeanDefinition(beanName);
			if (definition instanceof AnnotatedBeanDefinition annotated
					&& annotated.getMetadata().hasAnnotation(PistilWorker.class.getName())) {
				// A @Bean method of a worker carries its class's metadata: it declares no pool, and like the
				// worker it belongs to the children only.
				if (annotated.getFactoryMethodMetadata() == null) {
					DeclaredWorker worker = DeclaredWorker.of(beanName, annotated.getMetadata());
					DeclaredWorker other = this.declared.putIfAbsent(worker.pool(), worker);
					if (other != null) {
						throw new InvalidSpecException(worker.pool(), "name", worker.pool(),
								"both " + other.className() + " and " + worker.className() + " declare this pool");
					}
				}
				registry.removeBeanDefinition(beanName);
			}
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

	Map<String, DeclaredWorker> declaredWorkers() {
		return Collections.unmodifiableMap(this.declared);
	}

}
