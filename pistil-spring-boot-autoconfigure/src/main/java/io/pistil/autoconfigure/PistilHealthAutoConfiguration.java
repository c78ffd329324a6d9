package io.pistil.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.pistil.actuate.PistilHealthIndicator;
import io.pistil.arbiter.Arbiter;

/**
 * The {@code pistil} health contributor, for applications with Spring Boot's health
 * support, unless {@code management.health.pistil.enabled} is false.
 */
@AutoConfiguration(after = PistilAutoConfiguration.class, before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Arbiter.class)
@ConditionalOnEnabledHealthIndicator("pistil")
public final class PistilHealthAutoConfiguration {

	/** The bean name makes the contributor's name: {@code pistil}. */
	@Bean
	@ConditionalOnMissingBean(name = "pistilHealthIndicator")
	PistilHealthIndicator pistilHealthIndicator(Arbiter arbiter) {
		return new PistilHealthIndicator(arbiter);
	}

}
