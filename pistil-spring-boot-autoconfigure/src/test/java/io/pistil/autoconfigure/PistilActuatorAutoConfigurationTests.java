package io.pistil.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.pistil.actuate.PistilEndpoint;
import io.pistil.actuate.PistilEndpointWebExtension;
import io.pistil.actuate.PistilHealthIndicator;
import io.pistil.actuate.PistilMetrics;
import io.pistil.arbiter.Arbiter;
import io.pistil.it.TickWorker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration of the endpoint, the meters and the health contributor: each
 * appears only with the arbiter and the types it needs. The pool has no workers, so no
 * JVM starts.
 */
class PistilActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PistilAutoConfiguration.class, PistilEndpointAutoConfiguration.class,
				PistilHealthAutoConfiguration.class, PistilMetricsAutoConfiguration.class))
		.withPropertyValues("pistil.handle-signals=false", "pistil.workers.idle.workers=0",
				"pistil.workers.idle.worker-class=" + TickWorker.class.getName(),
				"management.endpoints.web.exposure.include=pistil");

	@Test
	void endpointMetersAndHealthContributorComeWithTheArbiter() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PistilEndpoint.class);
			assertThat(context).hasSingleBean(PistilEndpointWebExtension.class);
			assertThat(context).hasSingleBean(PistilMetrics.class);
			assertThat(context).hasSingleBean(PistilHealthIndicator.class).hasBean("pistilHealthIndicator");
		});
	}

	@Test
	void endpointNotExposedIsNotCreated() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PistilEndpoint.class);
			assertThat(context).doesNotHaveBean(PistilEndpointWebExtension.class);
		});
	}

	@Test
	void endpointExposedOverJmxOnlyHasNoWebExtension() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.exclude=pistil",
					"management.endpoints.jmx.exposure.include=pistil", "spring.jmx.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(PistilEndpoint.class);
				assertThat(context).doesNotHaveBean(PistilEndpointWebExtension.class);
			});
	}

	@Test
	void healthContributorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.pistil.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PistilHealthIndicator.class);
		});
	}

	@Test
	void applicationWithoutActuatorMicrometerOrHealthStillRunsItsArbiter() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(Endpoint.class, MeterBinder.class, HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Arbiter.class).isRunning()).isTrue();
				assertThat(context).doesNotHaveBean(PistilEndpoint.class);
				assertThat(context).doesNotHaveBean(PistilMetrics.class);
				assertThat(context).doesNotHaveBean(PistilHealthIndicator.class);
			});
	}

	@Test
	void nothingWithoutTheArbiter() {
		this.contextRunner.withPropertyValues("pistil.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PistilEndpoint.class);
			assertThat(context).doesNotHaveBean(PistilMetrics.class);
			assertThat(context).doesNotHaveBean(PistilHealthIndicator.class);
		});
	}

}
