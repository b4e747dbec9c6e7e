package io.opensandbox.spring.boot;

import io.opensandbox.api.ConnectionConfig;

/**
 * Adjusts the auto-configured {@link ConnectionConfig} after the {@code opensandbox.*} properties were applied:
 * a retry policy, a transport instance, headers computed at start. Declare one or more as beans.
 */
@FunctionalInterface
public interface ConnectionConfigCustomizer {

    /**
     * Adjusts the builder.
     *
     * @param builder the builder, with the properties already applied
     */
    void customize(ConnectionConfig.Builder builder);
}
