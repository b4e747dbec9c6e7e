package io.opensandbox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.ObservationRegistry;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.lifecycle.SandboxManager;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class OpenSandboxAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    OpenSandboxObservationAutoConfiguration.class,
                    OpenSandboxAutoConfiguration.class,
                    OpenSandboxHealthAutoConfiguration.class))
            // explicit values, so the machine's OPEN_SANDBOX_* environment cannot change what is asserted
            .withPropertyValues("opensandbox.domain=sandbox.test:9000", "opensandbox.api-key=test-key");

    @Test
    void defaults_giveAConfigWithTheSdkDefaultsAndAManager() {
        runner.run(context -> {
            ConnectionConfig config = context.getBean(ConnectionConfig.class);
            ConnectionConfig sdkDefaults = ConnectionConfig.builder()
                    .domain("sandbox.test:9000")
                    .apiKey("test-key")
                    .build();
            assertThat(config.domain()).isEqualTo("sandbox.test:9000");
            assertThat(config.apiKey()).contains("test-key");
            assertThat(config.protocol()).isEqualTo("http");
            assertThat(config.requestTimeout()).isEqualTo(sdkDefaults.requestTimeout());
            assertThat(config.connectTimeout()).isEqualTo(sdkDefaults.connectTimeout());
            assertThat(config.streamIdleTimeout()).isEqualTo(sdkDefaults.streamIdleTimeout());
            assertThat(config.callTimeout()).isEmpty();
            assertThat(config.maxConnections()).isEqualTo(sdkDefaults.maxConnections());
            assertThat(config.transportName()).isEmpty();
            assertThat(context).hasSingleBean(SandboxManager.class);
            assertThat(context.getBean(SandboxManager.class).connectionConfig()).isSameAs(config);
        });
    }

    @Test
    void properties_reachTheConnectionConfig() {
        runner.withPropertyValues(
                        "opensandbox.protocol=https",
                        "opensandbox.request-timeout=5s",
                        "opensandbox.connect-timeout=2s",
                        "opensandbox.stream-idle-timeout=90s",
                        "opensandbox.call-timeout=3m",
                        "opensandbox.transport=jdk",
                        "opensandbox.debug=true",
                        "opensandbox.use-server-proxy=true",
                        "opensandbox.max-connections=12",
                        "opensandbox.headers.X-Team=agents")
                .run(context -> {
                    ConnectionConfig config = context.getBean(ConnectionConfig.class);
                    assertThat(config.protocol()).isEqualTo("https");
                    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(config.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(config.callTimeout()).contains(Duration.ofMinutes(3));
                    assertThat(config.transportName()).contains("jdk");
                    assertThat(config.debug()).isTrue();
                    assertThat(config.useServerProxy()).isTrue();
                    assertThat(config.maxConnections()).isEqualTo(12);
                    assertThat(config.headers()).containsEntry("X-Team", "agents");
                    assertThat(config.toString()).doesNotContain("test-key");
                });
    }

    @Test
    void invalidProperty_failsTheContextWithTheSdkMessage() {
        runner.withPropertyValues("opensandbox.protocol=ftp").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("protocol must be 'http' or 'https'");
        });
    }

    @Test
    void userBeans_win() {
        ConnectionConfig own = ConnectionConfig.builder().domain("own.test").build();
        runner.withBean(ConnectionConfig.class, () -> own).run(context -> {
            assertThat(context.getBean(ConnectionConfig.class)).isSameAs(own);
            assertThat(context.getBean(SandboxManager.class).connectionConfig()).isSameAs(own);
        });
        runner.withUserConfiguration(OwnManager.class)
                .run(context -> assertThat(context.getBean(SandboxManager.class))
                        .isSameAs(context.getBean(OwnManager.class).manager));
    }

    @Test
    void customizers_runAfterTheProperties() {
        runner.withPropertyValues("opensandbox.request-timeout=5s")
                .withBean(
                        ConnectionConfigCustomizer.class,
                        () -> builder -> builder.requestTimeout(Duration.ofSeconds(7)))
                .run(context -> assertThat(
                                context.getBean(ConnectionConfig.class).requestTimeout())
                        .isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void callListenerBeans_andTheObservationAdapter_areAllTold() {
        AtomicReference<String> seen = new AtomicReference<>();
        CallListener own = start -> {
            seen.set(start.operation());
            return CallObserver.NONE;
        };
        runner.withBean(CallListener.class, () -> own).run(context -> {
            assertThat(context).hasSingleBean(ObservationCallListener.class);
            CallListener configured = context.getBean(ConnectionConfig.class).callListener();
            configured.callStarted(io.opensandbox.api.CallStart.of("sandbox.getInfo", "sb-1"));
            assertThat(seen.get()).isEqualTo("sandbox.getInfo");
            assertThat(configured).isInstanceOf(CompositeCallListener.class);
        });
    }

    @Test
    void withoutMicrometer_noObservationAdapter_andNoListener() {
        runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
                .run(context -> {
                    assertThat(context).doesNotHaveBean(ObservationCallListener.class);
                    assertThat(context.getBean(ConnectionConfig.class).callListener())
                            .isSameAs(CallListener.NONE);
                });
    }

    @Test
    void observations_canBeSwitchedOff() {
        runner.withPropertyValues("opensandbox.observations.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ObservationCallListener.class));
    }

    @Test
    void healthIndicator_registeredWithActuator_absentWithoutIt_orWhenDisabled() {
        runner.run(context -> assertThat(context).hasBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN));
        runner.withClassLoader(new FilteredClassLoader(
                        "org.springframework.boot.actuate.health", "org.springframework.boot.health"))
                .run(context -> assertThat(context).doesNotHaveBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN));
        runner.withPropertyValues("opensandbox.health.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN));
    }

    @Test
    void theManager_isClosedWithTheContext() {
        AtomicReference<SandboxManager> manager = new AtomicReference<>();
        runner.run(context -> manager.set(context.getBean(SandboxManager.class)));
        assertThatThrownBy(() -> manager.get().getSandboxInfo("sb-1"))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("closed");
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnManager {
        final SandboxManager manager = SandboxManager.create(
                ConnectionConfig.builder().domain("own.test").build());

        @Bean
        SandboxManager ownManager() {
            return manager;
        }
    }
}
