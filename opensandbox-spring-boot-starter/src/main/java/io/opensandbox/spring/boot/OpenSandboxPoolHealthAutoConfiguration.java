package io.opensandbox.spring.boot;

import io.opensandbox.pool.SandboxPool;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@code openSandboxPool} health indicator when Actuator is present, a {@link SandboxPool} bean
 * exists (the auto-configured one or the application's) and {@code opensandbox.health.enabled} is not
 * {@code false}: up while the pool is healthy and its store answers, down when degraded, its store is
 * unreachable or it is closing, with the pool's snapshot as details. One nested configuration per Boot line.
 */
@AutoConfiguration(after = OpenSandboxPoolAutoConfiguration.class)
@ConditionalOnClass(name = "io.opensandbox.pool.SandboxPool")
@ConditionalOnBean(type = "io.opensandbox.pool.SandboxPool")
@ConditionalOnProperty(prefix = "opensandbox.health", name = "enabled", matchIfMissing = true)
public class OpenSandboxPoolHealthAutoConfiguration {

    /** The bean name of the indicator, and so its name under {@code /actuator/health}: {@code openSandboxPool}. */
    public static final String INDICATOR_BEAN = "openSandboxPoolHealthIndicator";

    /** Made by Spring. */
    public OpenSandboxPoolHealthAutoConfiguration() {}

    /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {
        @Bean(INDICATOR_BEAN)
        @ConditionalOnMissingBean(name = INDICATOR_BEAN)
        org.springframework.boot.health.contributor.HealthIndicator openSandboxPoolHealthIndicator(SandboxPool pool) {
            return HealthIndicators.Boot4.of(new PoolHealthProbe(pool)::check);
        }
    }

    /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3 {
        @Bean(INDICATOR_BEAN)
        @ConditionalOnMissingBean(name = INDICATOR_BEAN)
        org.springframework.boot.actuate.health.HealthIndicator openSandboxPoolHealthIndicator(SandboxPool pool) {
            return HealthIndicators.Boot3.of(new PoolHealthProbe(pool)::check);
        }
    }
}
