package io.pistil.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.ArbiterHeartbeat;
import io.pistil.arbiter.ArbiterOptions;
import io.pistil.arbiter.LaunchSettings;
import io.pistil.arbiter.WorkerLaunchCustomizer;
import io.pistil.arbiter.WorkerSpec;
import io.pistil.net.Systemd;
import io.pistil.process.ProcessControl;

/**
 * Runs pistil's arbiter over the application's {@code @PistilWorker} beans and
 * {@code pistil.workers.*} pools.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "pistil.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PistilProperties.class)
public final class PistilAutoConfiguration {

	private static final String ARBITER_BEAN = "pistilArbiter";

	private static final String WEB_SERVER_FACTORY = "org.springframework.boot.web.server.WebServerFactory";

	/** For contexts started without Spring Boot's initializers, such as tests'. */
	@Bean(PistilWorkerRegistrar.BEAN_NAME)
	@ConditionalOnMissingBean
	static PistilWorkerRegistrar pistilWorkerRegistrar() {
		return new PistilWorkerRegistrar(true);
	}

	/**
	 * Makes a web server wait for the arbiter's creation, so that the workers start
	 * booting before the server and the rest of the application rather than after them.
	 */
	@Bean
	static BeanFactoryPostProcessor pistilArbiterBeforeWebServer() {
		return (beanFactory) -> {
			ClassLoader classLoader = beanFactory.getBeanClassLoader();
			if (!beanFactory.containsBeanDefinition(ARBITER_BEAN)
					|| !ClassUtils.isPresent(WEB_SERVER_FACTORY, classLoader)) {
				return;
			}
			Class<?> factoryType = ClassUtils.resolveClassName(WEB_SERVER_FACTORY, classLoader);
			for (String name : beanFactory.getBeanNamesForType(factoryType, true, false)) {
				BeanDefinition definition = beanFactory.getBeanDefinition(name);
				String[] dependsOn = (definition.getDependsOn() != null) ? definition.getDependsOn() : new String[0];
				definition.setDependsOn(StringUtils.addStringToArray(dependsOn, ARBITER_BEAN));
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean
	ProcessControl pistilProcessControl() {
		return ProcessControl.load();
	}

	@Bean(ARBITER_BEAN)
	@ConditionalOnMissingBean
	Arbiter pistilArbiter(PistilProperties properties, PistilWorkerRegistrar registrar,
			ConfigurableListableBeanFactory beanFactory, ConfigurableApplicationContext context,
			ProcessControl processControl, ObjectProvider<WorkerLaunchCustomizer> customizers,
			ObjectProvider<ArbiterHeartbeat> heartbeats, ObjectProvider<ApplicationArguments> applicationArguments,
			DeferredEvents events, ArbiterSignals signals) {
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		String treePath = properties.getTreePath();
		PistilProperties node = properties.node(treePath);
		// Annotated workers are top-level pools; a supervisor child runs only its
		// configured children.
		Map<String, DeclaredWorker> declared = treePath.isEmpty() ? registrar.declaredWorkers() : Map.of();
		List<WorkerSpec> specs = new WorkerSpecs(node, declared, beanFactory, classLoader).resolve();
		List<String> poolNames = specs.stream().map(WorkerSpec::name).toList();
		for (String pool : properties.getSignalPools()) {
			if (treePath.isEmpty() && !poolNames.contains(pool)) {
				throw new InvalidConfigurationPropertyValueException("pistil.signal-pools", pool,
						"it is not a pool; the pools are " + poolNames);
			}
		}
		if (properties.getMaxBooting() != null && properties.getMaxBooting() < 1) {
			throw new InvalidConfigurationPropertyValueException("pistil.max-booting", properties.getMaxBooting(),
					"it must be 1 or more");
		}
		ConfigurableEnvironment environment = context.getEnvironment();
		LaunchSettings launch = LaunchSettings.ofCurrentJvm(javaExecutable(properties), applicationClass(beanFactory),
				List.of(environment.getActiveProfiles()), treePath,
				applicationArguments.stream().flatMap((arguments) -> Stream.of(arguments.getSourceArgs())).toList());
		ArbiterOptions options = ArbiterOptions.defaults()
			.withListener(events)
			.withCustomizers(customizers.orderedStream().toList())
			.withHeartbeats(heartbeats.orderedStream().toList())
			.withReloadSource(new ReloadedSpecs(environment, context, declared, beanFactory, classLoader))
			.withStrategy(node.getStrategy())
			.withStartupCache(properties.getCache().effectiveDirectory(System.getenv()))
			.withMaxBooting((properties.getMaxBooting() != null) ? properties.getMaxBooting()
					: ArbiterOptions.defaultMaxBooting());
		Arbiter arbiter = new Arbiter(specs, launch, processControl, options);
		// A signal may come as soon as a worker exists: the handlers come first.
		signals.install(arbiter);
		// The workers boot while the rest of the application starts; the lifecycle waits
		// for them.
		arbiter.begin();
		return arbiter;
	}

	@Bean
	DeferredEvents pistilDeferredEvents(ConfigurableApplicationContext context) {
		return new DeferredEvents(context);
	}

	@Bean
	ArbiterSignals pistilArbiterSignals(ConfigurableApplicationContext context, ProcessControl processControl,
			PistilProperties properties) {
		return new ArbiterSignals(context, processControl, properties.getSignalPools(), properties.isHandleSignals());
	}

	@Bean
	ArbiterLifecycle pistilArbiterLifecycle(Arbiter arbiter, DeferredEvents events, ArbiterSignals signals) {
		return new ArbiterLifecycle(arbiter, events, signals);
	}

	@Bean
	ArbiterFailureExit pistilArbiterFailureExit(ConfigurableApplicationContext context) {
		return new ArbiterFailureExit(context);
	}

	@Bean
	@ConditionalOnProperty("NOTIFY_SOCKET")
	SystemdNotification pistilSystemdNotification(Environment environment, ProcessControl processControl) {
		Duration watchdog = Systemd.watchdogInterval(System.getenv(), ProcessHandle.current().pid()).orElse(null);
		return new SystemdNotification(environment.getRequiredProperty("NOTIFY_SOCKET"), processControl.sockets(),
				watchdog);
	}

	/** The workers' java: a missing or broken one stops the start, never each spawn. */
	private static Path javaExecutable(PistilProperties properties) {
		Path javaHome = (properties.getJavaHome() != null) ? properties.getJavaHome()
				: Path.of(System.getProperty("java.home"));
		Path java = javaHome.toAbsolutePath().resolve("bin").resolve("java");
		if (!Files.isRegularFile(java) || !Files.isExecutable(java)) {
			throw new InvalidConfigurationPropertyValueException("pistil.java-home", javaHome,
					"the workers would run " + java + ", which is not an executable file");
		}
		return java;
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
