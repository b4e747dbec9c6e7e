package io.opensandbox.spring.boot;

import io.opensandbox.api.ConnectionConfig;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Copies the set {@code opensandbox.*} properties onto a config builder; unset ones keep the SDK's defaults. */
final class PropertiesMapping {
    private PropertiesMapping() {}

    static void apply(OpenSandboxProperties properties, ConnectionConfig.Builder builder) {
        ifSet(properties.getDomain(), builder::domain);
        ifSet(properties.getProtocol(), builder::protocol);
        ifSet(properties.getApiKey(), builder::apiKey);
        ifSet(properties.getRequestTimeout(), builder::requestTimeout);
        ifSet(properties.getConnectTimeout(), builder::connectTimeout);
        ifSet(properties.getStreamIdleTimeout(), builder::streamIdleTimeout);
        ifSet(properties.getCallTimeout(), builder::callTimeout);
        ifSet(properties.getTransport(), builder::transportName);
        ifSet(properties.getMaxConnections(), builder::maxConnections);
        builder.debug(properties.isDebug());
        builder.useServerProxy(properties.isUseServerProxy());
        builder.headers(properties.getHeaders());
    }

    private static <T> void ifSet(@Nullable T value, Consumer<T> setter) {
        if (value != null && !(value instanceof String text && text.isBlank())) {
            setter.accept(value);
        }
    }
}
