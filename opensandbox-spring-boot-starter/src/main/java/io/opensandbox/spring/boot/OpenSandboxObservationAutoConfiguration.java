package io.opensandbox.spring.boot;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Observes every SDK call with Micrometer when {@code micrometer-observation} is on the class path (Spring Boot
 * Actuator brings it) and {@code opensandbox.observations.enabled} is not {@code false}. Backs off when the
 * application defines its own {@link ObservationCallListener}.
 */
@AutoConfiguration(before = OpenSandboxAutoConfiguration.class)
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnProperty(prefix = "opensandbox.observations", name = "enabled", matchIfMissing = true)
public class OpenSandboxObservationAutoConfiguration {

    /** Made by Spring. */
    public OpenSandboxObservationAutoConfiguration() {}

    /**
     * The adapter from the SDK's call listener to Micrometer.
     *
     * @param registry the application's observation registry, if it has one
     * @return the listener (recording nothing when there is no registry)
     */
    @Bean
    @ConditionalOnMissingBean
    public ObservationCallListener openSandboxObservationCallListener(ObjectProvider<ObservationRegistry> registry) {
        return ObservationCallListener.of(registry.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
