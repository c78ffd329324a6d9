package io.pistil.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.pistil.actuate.PistilMetrics;
import io.pistil.arbiter.Arbiter;

/**
 * Micrometer meters of the arbiter's pools, for applications with Micrometer: Spring Boot
 * binds them to its meter registries.
 */
@AutoConfiguration(after = PistilAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(Arbiter.class)
public final class PistilMetricsAutoConfiguration {

	/** Long enough for one scrape of every gauge to read one snapshot. */
	@Bean
	@ConditionalOnMissingBean
	PistilMetrics pistilMetrics(Arbiter arbiter) {
		return new PistilMetrics(arbiter);
	}

}
