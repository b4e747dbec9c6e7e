package io.opensandbox.spring.boot;

import io.opensandbox.lifecycle.SandboxManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the {@code openSandbox} health indicator for the lifecycle server when Actuator is present and
 * {@code opensandbox.health.enabled} is not {@code false}: up when an authenticated listing answers, down with the
 * error code, status and message otherwise. Spring Boot 3 and 4 keep health indicators in different packages;
 * the nested configuration for whichever line is on the class path is the one that loads.
 */
@AutoConfiguration(after = OpenSandboxAutoConfiguration.class)
@ConditionalOnBean(SandboxManager.class)
@ConditionalOnProperty(prefix = "opensandbox.health", name = "enabled", matchIfMissing = true)
public class OpenSandboxHealthAutoConfiguration {

    /** The bean name of the indicator, and so its name under {@code /actuator/health}: {@code openSandbox}. */
    public static final String INDICATOR_BEAN = "openSandboxHealthIndicator";

    /** Made by Spring. */
    public OpenSandboxHealthAutoConfiguration() {}

    /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {
        @Bean(INDICATOR_BEAN)
        @ConditionalOnMissingBean(name = INDICATOR_BEAN)
        org.springframework.boot.health.contributor.HealthIndicator openSandboxHealthIndicator(SandboxManager manager) {
            return HealthIndicators.Boot4.of(new HealthProbe(manager)::check);
        }
    }

    /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3 {
        @Bean(INDICATOR_BEAN)
        @ConditionalOnMissingBean(name = INDICATOR_BEAN)
        org.springframework.boot.actuate.health.HealthIndicator openSandboxHealthIndicator(SandboxManager manager) {
            return HealthIndicators.Boot3.of(new HealthProbe(manager)::check);
        }
    }
}
