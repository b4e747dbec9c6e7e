/**
 * Spring Boot auto-configuration for the OpenSandbox SDK. Add {@code opensandbox-spring-boot-starter} and set
 * {@code opensandbox.domain} and {@code opensandbox.api-key}: the application gets a
 * {@link io.opensandbox.api.ConnectionConfig} and a {@link io.opensandbox.lifecycle.SandboxManager} bean, an
 * {@code openSandbox} health indicator when Actuator is present, and a Micrometer observation (timer and span)
 * of every SDK call when Micrometer Observation is present. Every bean backs off when the application defines
 * its own. Supports the Spring Boot 3.5 and 4.0 lines on Java 17.
 */
@NullMarked
package io.opensandbox.spring.boot;

import org.jspecify.annotations.NullMarked;
