package io.pistil.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.type.AnnotationMetadata;

import io.pistil.arbiter.InvalidSpecException;
import io.pistil.arbiter.WorkerSpec;
import io.pistil.worker.ContextMode;
import io.pistil.worker.PistilWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Resolves pools from their {@code @PistilWorker} annotation and
 * {@code pistil.workers.<name>} properties: a property wins over the annotation, the
 * annotation over the default.
 */
class WorkerSpecsTests {

	private final PistilProperties properties = new PistilProperties();

	private final Map<String, DeclaredWorker> declared = new LinkedHashMap<>();

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void propertyOverridesTheAnnotation() {
		declare("timedWorker", TimedWorker.class);
		pool("p").setTimeout(Duration.ofSeconds(7));
		WorkerSpec spec = single();
		assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(7));
		assertThat(spec.workers()).isZero();
	}

	@Test
	void annotationOverridesTheDefaults() {
		declare("timedWorker", TimedWorker.class);
		WorkerSpec spec = single();
		assertThat(spec.name()).isEqualTo("p");
		assertThat(spec.workerClass()).isEqualTo(TimedWorker.class.getName());
		assertThat(spec.workers()).isZero();
		assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(spec.pause()).isEqualTo(Duration.ofMillis(250));
		assertThat(spec.context()).isEqualTo(ContextMode.FULL);
		assertThat(spec.beanName()).as("a worker class is never a bean of the application: the child registers it")
			.isNull();
		assertThat(spec.jvmOptions()).containsExactly(lean("-Xmx32m"));
		assertThat(spec.args()).containsOnly(Map.entry("queue", "mail"), Map.entry("batch", "a=b"));
	}

	@Test
	void everyPropertyOverridesTheAnnotation() {
		declare("timedWorker", TimedWorker.class);
		PistilProperties.Pool pool = pool("p");
		pool.setWorkers(4);
		pool.setTimeout(Duration.ofSeconds(9));
		pool.setBootTimeout(Duration.ofSeconds(90));
		pool.setGracefulTimeout(Duration.ofSeconds(3));
		pool.setPause(Duration.ofSeconds(2));
		pool.setContext(ContextMode.SLIM);
		pool.setJvmOptions(List.of("-Xmx64m", "-XX:+UseSerialGC"));
		pool.getEnv().put("TZ", "UTC");
		pool.getArgs().put("batch", "50");
		pool.getArgs().put("retries", "3");
		WorkerSpec spec = single();
		assertThat(spec.workers()).isEqualTo(4);
		assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(9));
		assertThat(spec.bootTimeout()).isEqualTo(Duration.ofSeconds(90));
		assertThat(spec.gracefulTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(spec.pause()).isEqualTo(Duration.ofSeconds(2));
		assertThat(spec.context()).isEqualTo(ContextMode.SLIM);
		assertThat(spec.beanName()).as("a slim context runs the worker class, not a bean").isNull();
		assertThat(spec.jvmOptions()).containsExactly(lean("-Xmx64m", "-XX:+UseSerialGC"));
		assertThat(spec.environment()).containsExactly(Map.entry("TZ", "UTC"));
		assertThat(spec.args()).containsOnly(Map.entry("queue", "mail"), Map.entry("batch", "50"),
				Map.entry("retries", "3"));
	}

	@Test
	void propertyOnlyPoolGetsTheDefaults() {
		this.properties.setGracefulTimeout(Duration.ofSeconds(12));
		pool("plain").setWorkerClass(PlainWorker.class.getName());
		WorkerSpec spec = single();
		assertThat(spec.name()).isEqualTo("plain");
		assertThat(spec.workerClass()).isEqualTo(PlainWorker.class.getName());
		assertThat(spec.beanName()).isNull();
		assertThat(spec.workers()).isEqualTo(1);
		assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(spec.bootTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(spec.gracefulTimeout()).isEqualTo(Duration.ofSeconds(12));
		assertThat(spec.pause()).isEqualTo(Duration.ofMillis(100));
		assertThat(spec.context()).isEqualTo(ContextMode.SLIM);
		assertThat(spec.jvmOptions()).containsExactlyElementsOf(WorkerSpecs.LEAN_JVM_OPTIONS);
		assertThat(spec.environment()).isEmpty();
		assertThat(spec.args()).isEmpty();
	}

	@Test
	void theDefaultsComeAfterThePoolAndItsAnnotationAndTheirJvmOptionsFirst() {
		declare("timedWorker", TimedWorker.class);
		PistilProperties.PoolSettings defaults = this.properties.getDefaults();
		defaults.setTimeout(Duration.ofSeconds(7));
		defaults.setBootTimeout(Duration.ofSeconds(9));
		defaults.setGracefulTimeout(Duration.ofSeconds(3));
		defaults.setMaxRestarts(2);
		defaults.setJvmOptions(List.of("-Xmx48m", "-Xss512k"));
		defaults.getEnv().putAll(Map.of("A", "default", "B", "default"));
		defaults.getArgs().put("queue", "default");
		PistilProperties.Pool pool = pool("p");
		pool.getEnv().put("B", "pool");
		pool.setBootTimeout(Duration.ofSeconds(20));

		WorkerSpec spec = single();

		assertThat(spec.timeout()).as("the annotation's").isEqualTo(Duration.ofSeconds(5));
		assertThat(spec.bootTimeout()).as("the pool's").isEqualTo(Duration.ofSeconds(20));
		assertThat(spec.gracefulTimeout()).as("the default's, over pistil.graceful-timeout")
			.isEqualTo(Duration.ofSeconds(3));
		assertThat(spec.restart().maxRestarts()).isEqualTo(2);
		assertThat(spec.jvmOptions()).containsExactly(lean("-Xmx48m", "-Xss512k", "-Xmx32m"));
		assertThat(spec.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("A", "default", "B", "pool"));
		assertThat(spec.args()).containsEntry("queue", "mail");
	}

	@Test
	void theLeanJvmOptionsCanBeTurnedOff() {
		this.properties.setLeanJvmOptions(false);
		pool("plain").setWorkerClass(PlainWorker.class.getName());
		assertThat(single().jvmOptions()).isEmpty();
	}

	private static String[] lean(String... own) {
		List<String> options = new ArrayList<>(WorkerSpecs.LEAN_JVM_OPTIONS);
		options.addAll(List.of(own));
		return options.toArray(String[]::new);
	}

	@Test
	void poolNamedAfterTheBeanWhenTheAnnotationNamesNone() {
		declare("unnamedWorker", UnnamedWorker.class);
		WorkerSpec spec = single();
		assertThat(spec.name()).isEqualTo("unnamedWorker");
		assertThat(spec.workerClass()).isEqualTo(UnnamedWorker.class.getName());
	}

	@Test
	void beanPropertyResolvesTheWorkerClassOfTheBean() {
		this.beanFactory.registerBeanDefinition("plainWorker", new RootBeanDefinition(PlainWorker.class));
		PistilProperties.Pool pool = pool("plain");
		pool.setBean("plainWorker");
		pool.setContext(ContextMode.FULL);
		WorkerSpec spec = single();
		assertThat(spec.workerClass()).isEqualTo(PlainWorker.class.getName());
		assertThat(spec.beanName()).isEqualTo("plainWorker");
		assertThat(this.beanFactory.containsSingleton("plainWorker")).as("bean created").isFalse();
	}

	@Test
	void annotatedPoolsComeFirstThenPropertyOnlyPoolsInTheirOrder() {
		pool("zeta").setWorkerClass(PlainWorker.class.getName());
		pool("alpha").setWorkerClass(PlainWorker.class.getName());
		declare("unnamedWorker", UnnamedWorker.class);
		pool("unnamedWorker").setWorkers(3);
		declare("timedWorker", TimedWorker.class);
		List<WorkerSpec> specs = specs().resolve();
		assertThat(specs).extracting(WorkerSpec::name).containsExactly("unnamedWorker", "p", "zeta", "alpha");
		assertThat(specs.get(0).workers()).isEqualTo(3);
	}

	@Test
	void badAnnotationPauseIsNamed() {
		declare("pausingWorker", BadPauseWorker.class);
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> specs().resolve()).satisfies((ex) -> {
			assertThat(ex.getPool()).isEqualTo("pausing");
			assertThat(ex.getProperty()).isEqualTo("pause");
			assertThat(ex.getValue()).isEqualTo("a while");
		});
	}

	@Test
	void annotationArgumentWithoutEqualsSignIsNamed() {
		assertThatExceptionOfType(InvalidSpecException.class)
			.isThrownBy(() -> DeclaredWorker.of("badArgsWorker", AnnotationMetadata.introspect(BadArgsWorker.class)))
			.satisfies((ex) -> {
				assertThat(ex.getPool()).isEqualTo("badArgs");
				assertThat(ex.getProperty()).isEqualTo("args");
				assertThat(ex.getValue()).isEqualTo("=oops");
			});
	}

	@Test
	void workerClassThatCannotBeLoadedIsNamed() {
		pool("ghost").setWorkerClass("com.example.NoSuchWorker");
		assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> specs().resolve()).satisfies((ex) -> {
			assertThat(ex.getPool()).isEqualTo("ghost");
			assertThat(ex.getProperty()).isEqualTo("worker-class");
			assertThat(ex.getValue()).isEqualTo("com.example.NoSuchWorker");
			assertThat(ex.getReason()).isEqualTo("class not found");
		});
	}

	private void declare(String beanName, Class<?> type) {
		DeclaredWorker worker = DeclaredWorker.of(beanName, AnnotationMetadata.introspect(type));
		this.declared.put(worker.pool(), worker);
	}

	private PistilProperties.Pool pool(String name) {
		return this.properties.getWorkers().computeIfAbsent(name, (key) -> new PistilProperties.Pool());
	}

	private WorkerSpecs specs() {
		return new WorkerSpecs(this.properties, this.declared, this.beanFactory, getClass().getClassLoader());
	}

	private WorkerSpec single() {
		List<WorkerSpec> specs = specs().resolve();
		assertThat(specs).hasSize(1);
		return specs.get(0);
	}

	@PistilWorker(name = "p", workers = 0, timeout = "5s", pause = "250ms", context = ContextMode.FULL,
			jvmOptions = "-Xmx32m", args = { "queue=mail", "batch=a=b" })
	static class TimedWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(workers = 0)
	static class UnnamedWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "pausing", pause = "a while")
	static class BadPauseWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "badArgs", args = "=oops")
	static class BadArgsWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	static class PlainWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

}
