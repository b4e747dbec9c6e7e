package io.opensandbox.spring.boot;

import io.opensandbox.api.CallListener;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.SandboxManager;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the OpenSandbox SDK: a {@link ConnectionConfig} from the {@code opensandbox.*} properties, told
 * of calls by every {@link CallListener} bean, adjusted by every {@link ConnectionConfigCustomizer} bean, and a
 * {@link SandboxManager} closed with the application context. Each bean backs off when the application defines
 * its own.
 */
@AutoConfiguration
@EnableConfigurationProperties(OpenSandboxProperties.class)
public class OpenSandboxAutoConfiguration {

    /** Made by Spring. */
    public OpenSandboxAutoConfiguration() {}

    /**
     * The connection config.
     *
     * @param properties the bound properties
     * @param listeners every call listener bean, in order
     * @param customizers every customizer bean, in order; they run last
     * @return the config
     */
    @Bean
    @ConditionalOnMissingBean
    public ConnectionConfig openSandboxConnectionConfig(
            OpenSandboxProperties properties,
            ObjectProvider<CallListener> listeners,
            ObjectProvider<ConnectionConfigCustomizer> customizers) {
        ConnectionConfig.Builder builder = ConnectionConfig.builder();
        PropertiesMapping.apply(properties, builder);
        List<CallListener> all = listeners.orderedStream().toList();
        if (!all.isEmpty()) {
            builder.callListener(CompositeCallListener.of(all));
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * The sandbox manager: list, inspect, pause, resume, renew and kill sandboxes.
     *
     * @param config the connection config
     * @return the manager, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SandboxManager openSandboxManager(ConnectionConfig config) {
        return SandboxManager.create(config);
    }
}
