package io.pistil.autoconfigure;

import java.beans.Introspector;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.util.ClassUtils;

import io.pistil.arbiter.InvalidSpecException;
import io.pistil.worker.PistilWorker;

/**
 * Collects the {@link PistilWorker @PistilWorker} classes and keeps them out of the
 * arbiter's context: workers run only in child JVMs, so the arbiter never creates one,
 * nor what it imports.
 *
 * <p>
 * As a {@link TypeExcludeFilter}, registered by its {@link Initializer} before component
 * scanning, it takes the annotated classes out of {@code @SpringBootApplication}'s scan.
 * As a bean definition post-processor it takes out the ones registered otherwise.
 */
public class PistilWorkerRegistrar extends TypeExcludeFilter implements BeanDefinitionRegistryPostProcessor {

	static final String BEAN_NAME = "io.pistil.autoconfigure.PistilWorkerRegistrar";

	private final Map<String, DeclaredWorker> declared = new LinkedHashMap<>();

	private final boolean removeDefinitions;

	/**
	 * Creates a registrar.
	 * @param removeDefinitions whether to remove annotated bean definitions from the
	 * context; false in a child, whose context does hold its worker
	 */
	public PistilWorkerRegistrar(boolean removeDefinitions) {
		this.removeDefinitions = removeDefinitions;
	}

	/**
	 * Excludes a worker class, and the classes nested in it (the configuration it
	 * imports), from component scanning.
	 */
	@Override
	public boolean match(MetadataReader metadataReader, MetadataReaderFactory metadataReaderFactory)
			throws IOException {
		AnnotationMetadata metadata = metadataReader.getAnnotationMetadata();
		if (metadata.hasAnnotation(PistilWorker.class.getName())) {
			declare(Introspector.decapitalize(ClassUtils.getShortName(metadata.getClassName())), metadata);
			return true;
		}
		String enclosing = metadata.getEnclosingClassName();
		return enclosing != null && match(metadataReaderFactory.getMetadataReader(enclosing), metadataReaderFactory);
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		if (!this.removeDefinitions) {
			return;
		}
		for (String beanName : registry.getBeanDefinitionNames()) {
			BeanDefinition definition = registry.getBeanDefinition(beanName);
			if (definition instanceof AnnotatedBeanDefinition annotated
					&& annotated.getMetadata().hasAnnotation(PistilWorker.class.getName())) {
				// A @Bean method of a worker carries its class's metadata: it declares no
				// pool, and like the
				// worker it belongs to the children only.
				if (annotated.getFactoryMethodMetadata() == null) {
					declare(beanName, annotated.getMetadata());
				}
				registry.removeBeanDefinition(beanName);
			}
		}
	}

	private synchronized void declare(String beanName, AnnotationMetadata metadata) {
		DeclaredWorker worker = DeclaredWorker.of(beanName, metadata);
		DeclaredWorker other = this.declared.putIfAbsent(worker.pool(), worker);
		if (other != null && !other.className().equals(worker.className())) {
			throw new InvalidSpecException(worker.pool(), "name", worker.pool(),
					"both " + other.className() + " and " + worker.className() + " declare this pool");
		}
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
	}

	synchronized Map<String, DeclaredWorker> declaredWorkers() {
		return Collections.unmodifiableMap(new LinkedHashMap<>(this.declared));
	}

	@Override
	public boolean equals(Object other) {
		return other != null && other.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

	/**
	 * Registers the registrar before the context scans for components.
	 */
	static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			boolean enabled = context.getEnvironment().getProperty("pistil.enabled", Boolean.class, true);
			context.getBeanFactory().registerSingleton(BEAN_NAME, new PistilWorkerRegistrar(enabled));
		}

	}

}
