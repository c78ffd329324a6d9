package io.pistil.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ResourceLoader;

import io.pistil.arbiter.WorkerSpec;

/**
 * The pools' specs read anew for a reload: the application's configuration files loaded
 * again (with the same command line, system properties, environment variables and
 * profiles), then bound and validated as at start-up. An invalid configuration throws,
 * and the reload leaves the pools as they were.
 */
final class ReloadedSpecs implements Supplier<List<WorkerSpec>> {

	private final ConfigurableEnvironment environment;

	private final ResourceLoader resourceLoader;

	private final Map<String, DeclaredWorker> declared;

	private final ListableBeanFactory beanFactory;

	private final ClassLoader classLoader;

	ReloadedSpecs(ConfigurableEnvironment environment, ResourceLoader resourceLoader,
			Map<String, DeclaredWorker> declared, ListableBeanFactory beanFactory, ClassLoader classLoader) {
		this.environment = environment;
		this.resourceLoader = resourceLoader;
		this.declared = declared;
		this.beanFactory = beanFactory;
		this.classLoader = classLoader;
	}

	@Override
	public List<WorkerSpec> get() {
		StandardEnvironment fresh = new StandardEnvironment();
		PropertySource<?> commandLine = this.environment.getPropertySources()
			.get(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);
		if (commandLine != null) {
			fresh.getPropertySources().addFirst(commandLine);
		}
		ConfigDataEnvironmentPostProcessor.applyTo(fresh, this.resourceLoader, new DefaultBootstrapContext(),
				List.of(this.environment.getActiveProfiles()));
		PistilProperties properties = Binder.get(fresh).bindOrCreate("pistil", PistilProperties.class);
		return new WorkerSpecs(properties.node(properties.getTreePath()), this.declared, this.beanFactory,
				this.classLoader)
			.resolve();
	}

}
