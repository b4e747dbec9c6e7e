package io.opensandbox.spring.boot;

import java.util.function.Supplier;

/**
 * Turns a probe into a health indicator of the Spring Boot line on the class path. Spring Boot 3 and 4 keep health
 * indicators in different packages; each nested class names only its own line's types and is loaded only by the
 * configuration for that line.
 */
final class HealthIndicators {
    private HealthIndicators() {}

    /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
    static final class Boot4 {
        private Boot4() {}

        static org.springframework.boot.health.contributor.HealthIndicator of(Supplier<HealthProbe.Result> probe) {
            return () -> {
                HealthProbe.Result result = probe.get();
                return (result.up()
                                ? org.springframework.boot.health.contributor.Health.up()
                                : org.springframework.boot.health.contributor.Health.down())
                        .withDetails(result.details())
                        .build();
            };
        }
    }

    /** Spring Boot 3: {@code org.springframework.boot.actuate.health}. */
    static final class Boot3 {
        private Boot3() {}

        static org.springframework.boot.actuate.health.HealthIndicator of(Supplier<HealthProbe.Result> probe) {
            return () -> {
                HealthProbe.Result result = probe.get();
                return (result.up()
                                ? org.springframework.boot.actuate.health.Health.up()
                                : org.springframework.boot.actuate.health.Health.down())
                        .withDetails(result.details())
                        .build();
            };
        }
    }
}
