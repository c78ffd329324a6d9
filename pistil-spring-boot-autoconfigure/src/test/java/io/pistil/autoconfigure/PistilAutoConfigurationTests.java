package io.pistil.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import io.pistil.arbiter.Arbiter;
import io.pistil.arbiter.InvalidSpecException;
import io.pistil.autoconfigure.importing.ImportingWorker;
import io.pistil.autoconfigure.importing.ScanningApplication;
import io.pistil.process.ExitStatus;
import io.pistil.process.ProcessControl;
import io.pistil.process.SpawnRequest;
import io.pistil.process.SpawnedProcess;
import io.pistil.process.UnixSignal;
import io.pistil.worker.PistilWorker;
import io.pistil.worker.Worker;
import io.pistil.worker.WorkerContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration in an application context. Every pool has zero workers: the
 * arbiter starts with the context, and a pool without workers starts no JVM.
 */
class PistilAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PistilAutoConfiguration.class))
		.withPropertyValues("pistil.handle-signals=false");

	@Test
	void scannedWorkerAndWhatItImportsStayOutOfTheArbiterContext() {
		this.contextRunner.withInitializer(new PistilWorkerRegistrar.Initializer())
			.withUserConfiguration(ScanningApplication.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ImportingWorker.class);
				assertThat(context).doesNotHaveBean(ImportingWorker.WorkerResources.class);
				assertThat(context).doesNotHaveBean(StringBuilder.class);
				assertThat(context.getBean(PistilWorkerRegistrar.class).declaredWorkers())
					.containsOnlyKeys("importing");
			});
	}

	@Test
	void arbiterStartsWithTheContextAndStopsWithIt() {
		this.contextRunner.withUserConfiguration(IdleWorker.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Arbiter.class);
			assertThat(context).hasSingleBean(ProcessControl.class);
			assertThat(context).hasSingleBean(ArbiterLifecycle.class);
			Arbiter arbiter = context.getBean(Arbiter.class);
			assertThat(arbiter.isRunning()).isTrue();
			assertThat(context.getBean(ArbiterLifecycle.class).isRunning()).isTrue();
			context.close();
			assertThat(arbiter.isRunning()).isFalse();
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("pistil.enabled=false")
			.withUserConfiguration(IdleWorker.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(Arbiter.class);
				assertThat(context).doesNotHaveBean(ArbiterLifecycle.class);
				assertThat(context).doesNotHaveBean(PistilWorkerRegistrar.class);
				assertThat(context).doesNotHaveBean(ProcessControl.class);
				// As in a child JVM: without the arbiter, the worker is an ordinary bean.
				assertThat(context).hasSingleBean(IdleWorker.class);
			});
	}

	@Test
	void registeredWorkerIsNotABeanOfTheArbiterContext() {
		this.contextRunner.withUserConfiguration(IdleWorker.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Arbiter.class);
			assertThat(context).doesNotHaveBean(IdleWorker.class);
			assertThat(context).doesNotHaveBean(Worker.class);
			assertThat(context.getBean(PistilWorkerRegistrar.class).declaredWorkers()).containsOnlyKeys("idle");
		});
	}

	@Test
	void scannedWorkerIsNotABeanOfTheArbiterContext() {
		this.contextRunner.withUserConfiguration(ScanningConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Arbiter.class);
			assertThat(context).hasSingleBean(ScanningConfiguration.class);
			assertThat(context).doesNotHaveBean(ScannedWorker.class);
			assertThat(context.getBean(PistilWorkerRegistrar.class).declaredWorkers()).containsOnlyKeys("scanned")
				.hasEntrySatisfying("scanned",
						(declared) -> assertThat(declared.className()).isEqualTo(ScannedWorker.class.getName()));
		});
	}

	@Test
	void beanMethodsOfAWorkerDeclareNoPoolAndStayOutOfTheArbiterContext() {
		this.contextRunner.withUserConfiguration(ClockedWorker.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PistilWorkerRegistrar.class).declaredWorkers()).containsOnlyKeys("clocked");
			assertThat(context).doesNotHaveBean(ClockedWorker.class);
			assertThat(context).doesNotHaveBean(Clock.class);
			assertThat(context).doesNotHaveBean(ZoneId.class);
		});
	}

	@Test
	void beanMethodOfAnUnnamedWorkerDeclaresNoPoolAfterItself() {
		this.contextRunner.withUserConfiguration(UnnamedClockedWorker.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PistilWorkerRegistrar.class).declaredWorkers()).hasSize(1)
				.allSatisfy((pool, declared) -> {
					assertThat(declared.className()).isEqualTo(UnnamedClockedWorker.class.getName());
					assertThat(pool).isNotEqualTo("otherClock").endsWith("UnnamedClockedWorker");
				});
		});
	}

	@Test
	void plainWorkerBeanNamedByAPoolStaysABean() {
		this.contextRunner.withUserConfiguration(PlainWorkerConfiguration.class)
			.withPropertyValues("pistil.workers.plain.bean=plainWorker", "pistil.workers.plain.workers=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(Arbiter.class);
				assertThat(context).hasSingleBean(PlainWorker.class);
			});
	}

	@Test
	void userProcessControlReplacesTheNativeOne() {
		this.contextRunner.withUserConfiguration(IdleWorker.class, ProcessControlConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(ProcessControl.class).isInstanceOf(UnusedProcessControl.class);
		});
	}

	@Test
	void negativeWorkerCountFailsTheStart() {
		this.contextRunner.withUserConfiguration(IdleWorker.class)
			.withPropertyValues("pistil.workers.idle.workers=-1")
			.run((context) -> assertInvalid(context, "idle", "pistil.workers.idle.workers", "-1", "must be 0 or more"));
	}

	@Test
	void zeroTimeoutFailsTheStart() {
		this.contextRunner.withUserConfiguration(IdleWorker.class)
			.withPropertyValues("pistil.workers.idle.timeout=0s")
			.run((context) -> assertInvalid(context, "idle", "pistil.workers.idle.timeout", "0s",
					"must be more than zero"));
	}

	@Test
	void unknownWorkerClassFailsTheStart() {
		this.contextRunner
			.withPropertyValues("pistil.workers.ghost.worker-class=com.example.NoSuchWorker",
					"pistil.workers.ghost.workers=0")
			.run((context) -> assertInvalid(context, "ghost", "pistil.workers.ghost.worker-class",
					"com.example.NoSuchWorker", "class not found"));
	}

	@Test
	void workerClassThatIsNotAWorkerFailsTheStart() {
		this.contextRunner
			.withPropertyValues("pistil.workers.text.worker-class=java.lang.String", "pistil.workers.text.workers=0")
			.run((context) -> assertInvalid(context, "text", "pistil.workers.text.worker-class", "java.lang.String",
					"does not implement io.pistil.worker.Worker"));
	}

	@Test
	void annotatedClassThatIsNotAWorkerFailsTheStart() {
		this.contextRunner.withUserConfiguration(NotAWorker.class)
			.run((context) -> assertInvalid(context, "impostor", "pistil.workers.impostor.worker-class",
					NotAWorker.class.getName(), "does not implement io.pistil.worker.Worker"));
	}

	@Test
	void missingBeanFailsTheStart() {
		this.contextRunner.withPropertyValues("pistil.workers.b.bean=nope", "pistil.workers.b.workers=0")
			.run((context) -> assertInvalid(context, "b", "pistil.workers.b.bean", "nope",
					"there is no bean with this name"));
	}

	@Test
	void twoWorkersWithTheSameNameFailTheStart() {
		this.contextRunner.withUserConfiguration(FirstTwin.class, SecondTwin.class)
			.run((context) -> assertInvalid(context, "twin", "pistil.workers.twin.name", "twin",
					"both " + FirstTwin.class.getName() + " and " + SecondTwin.class.getName() + " declare this pool"));
	}

	@Test
	void poolInYamlWithoutWorkerFailsTheStart() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(yaml("""
				pistil:
				  workers:
				    lonely:
				      workers: 2
				      timeout: 10s
				""")))
			.run((context) -> assertInvalid(context, "lonely", "pistil.workers.lonely.worker-class", "null",
					"a pool needs a worker: set worker-class or bean, or annotate a Worker with "
							+ "@PistilWorker(name = \"lonely\")"));
	}

	@Test
	void badAnnotationDurationFailsTheStart() {
		this.contextRunner.withUserConfiguration(SoonWorker.class)
			.run((context) -> assertInvalid(context, "soon", "pistil.workers.soon.timeout", "soon",
					"@PistilWorker(timeout) must be a duration such as 30s or 500ms"));
	}

	@Test
	void badDurationFormatFailsWithTheBindingErrorOfTheProperty() {
		this.contextRunner.withUserConfiguration(IdleWorker.class)
			.withPropertyValues("pistil.workers.idle.timeout=abc")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				BindException bindFailure = findCause(failure, BindException.class);
				assertThat(bindFailure).as("binding failure in %s", failure).isNotNull();
				assertThat(bindFailure.getMessage()).contains("pistil.workers.idle.timeout");
				assertThat(bindFailure.getProperty().getName()).hasToString("pistil.workers.idle.timeout");
				assertThat(bindFailure.getProperty().getValue()).isEqualTo("abc");
				assertThat(new InvalidSpecFailureAnalyzer().analyze(failure)).isNull();
			});
	}

	@Test
	void maxWorkersPastTheScoreboardFailsTheStart() {
		this.contextRunner.withUserConfiguration(IdleWorker.class)
			.withPropertyValues("pistil.workers.idle.max-workers=2000")
			.run((context) -> assertInvalid(context, "idle", "pistil.workers.idle.max-workers", "2000",
					"the pools up to this one may run 2001 workers at once (max-workers plus reload-surge of each), "
							+ "more than the scoreboard's 1024 slots"));
	}

	private static void assertInvalid(AssertableApplicationContext context, String pool, String property, String value,
			String reason) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		assertThat(findCause(failure, InvalidSpecException.class)).as("pool failure in %s", failure).isNotNull();
		FailureAnalysis analysis = new InvalidSpecFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription())
			.isEqualTo("Invalid value '" + value + "' for property " + property + ": " + reason + ".");
		assertThat(analysis.getAction()).isEqualTo("Update " + property
				+ " in your configuration, or the @PistilWorker annotation of pool '" + pool + "'.");
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private static PropertySource<?> yaml(String content) {
		try {
			return new YamlPropertySourceLoader()
				.load("pools.yml", new ByteArrayResource(content.getBytes(StandardCharsets.UTF_8)))
				.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@PistilWorker(name = "idle", workers = 0)
	static class IdleWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "scanned", workers = 0)
	static class ScannedWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ComponentScan(basePackageClasses = ScannedWorker.class, useDefaultFilters = false,
			includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ScannedWorker.class))
	static class ScanningConfiguration {

	}

	@PistilWorker(name = "clocked", workers = 0)
	static class ClockedWorker implements Worker {

		@Bean
		Clock workerClock() {
			return Clock.systemUTC();
		}

		@Bean
		static ZoneId workerZone() {
			return ZoneId.of("UTC");
		}

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(workers = 0)
	static class UnnamedClockedWorker implements Worker {

		@Bean
		Clock otherClock() {
			return Clock.systemUTC();
		}

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "twin", workers = 0)
	static class FirstTwin implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "twin", workers = 0)
	static class SecondTwin implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "soon", workers = 0, timeout = "soon")
	static class SoonWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@PistilWorker(name = "impostor", workers = 0)
	static class NotAWorker {

	}

	static class PlainWorker implements Worker {

		@Override
		public void handle(WorkerContext context) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainWorkerConfiguration {

		@Bean
		PlainWorker plainWorker() {
			return new PlainWorker();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProcessControlConfiguration {

		@Bean
		ProcessControl processControl() {
			return new UnusedProcessControl();
		}

	}

	/** A process layer for pools without workers: any call is a failure. */
	static class UnusedProcessControl implements ProcessControl {

		@Override
		public SpawnedProcess spawn(SpawnRequest request) {
			throw new AssertionError("spawn(" + request + ")");
		}

		@Override
		public boolean signal(long pid, UnixSignal signal) {
			throw new AssertionError("signal(" + pid + ", " + signal + ")");
		}

		@Override
		public CompletionStage<Void> onExit(long pid) {
			throw new AssertionError("onExit(" + pid + ")");
		}

		@Override
		public ExitStatus reap(long pid) {
			throw new AssertionError("reap(" + pid + ")");
		}

		@Override
		public boolean signalGroup(long processGroup, UnixSignal signal) {
			throw new AssertionError("signalGroup(" + processGroup + ", " + signal + ")");
		}

		@Override
		public long primaryGroup(String user) {
			return 65534;
		}

		@Override
		public boolean hasControllingTerminal() {
			return false;
		}

	}

}
