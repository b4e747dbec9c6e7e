package io.opensandbox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.pool.AcquirePolicy;
import io.opensandbox.pool.InMemoryPoolStateStore;
import io.opensandbox.pool.PoolEmptyException;
import io.opensandbox.pool.PoolState;
import io.opensandbox.pool.PoolStateStore;
import io.opensandbox.pool.SandboxPool;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The pool's auto-configuration; a pool of zero idle sandboxes sends no request, so no server is needed. */
class OpenSandboxPoolAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    OpenSandboxAutoConfiguration.class,
                    OpenSandboxHealthAutoConfiguration.class,
                    OpenSandboxPoolAutoConfiguration.class,
                    OpenSandboxPoolHealthAutoConfiguration.class))
            .withPropertyValues("opensandbox.domain=sandbox.test:9000", "opensandbox.api-key=test-key");

    private final ApplicationContextRunner configured = runner.withPropertyValues(
            "opensandbox.pool.name=spring-pool", "opensandbox.pool.max-idle=0", "opensandbox.pool.image=ubuntu:24.04");

    @Test
    void withoutAPoolName_noPool() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(SandboxPool.class);
            assertThat(context).doesNotHaveBean(OpenSandboxPoolHealthAutoConfiguration.INDICATOR_BEAN);
        });
    }

    @Test
    void poolAbsentFromTheClassPath_noPoolAndTheContextStillStarts() {
        configured
                .withClassLoader(new FilteredClassLoader("io.opensandbox.pool"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(ConnectionConfig.class);
                    assertThat(context).doesNotHaveBean("openSandboxPool");
                    assertThat(context).doesNotHaveBean(OpenSandboxPoolHealthAutoConfiguration.INDICATOR_BEAN);
                    assertThat(context).hasBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN);
                });
    }

    @Test
    void poolConfigured_startsWithTheProperties_andClosesWithTheContext() {
        AtomicReference<SandboxPool> made = new AtomicReference<>();
        configured
                .withPropertyValues(
                        "opensandbox.pool.acquire-policy=fail-fast",
                        "opensandbox.pool.reconcile-interval=5s",
                        "opensandbox.pool.primary-lock-ttl=20s",
                        "opensandbox.pool.drain-timeout=1s",
                        "opensandbox.pool.idle-timeout=10m")
                .run(context -> {
                    assertThat(context).hasSingleBean(SandboxPool.class);
                    SandboxPool pool = context.getBean(SandboxPool.class);
                    made.set(pool);
                    assertThat(pool.name()).isEqualTo("spring-pool");
                    assertThat(pool.snapshot().maxIdle()).isZero();
                    assertThat(pool.snapshot().state()).isEqualTo(PoolState.HEALTHY);
                    // fail-fast from the property: nothing idle, so no create is attempted
                    org.assertj.core.api.Assertions.assertThatThrownBy(pool::acquire)
                            .isInstanceOf(PoolEmptyException.class);
                });
        assertThat(made.get().snapshot().state()).isEqualTo(PoolState.STOPPED);
    }

    @Test
    void anInvalidPoolProperty_failsTheContextWithThePoolsMessage() {
        configured
                .withPropertyValues("opensandbox.pool.max-idle=-1")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasRootCauseInstanceOf(InvalidArgumentException.class)
                        .rootCause()
                        .hasMessageContaining("maxIdle"));
        configured
                .withPropertyValues("opensandbox.pool.acquire-policy=sometimes")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("direct-create or fail-fast"));
        runner.withPropertyValues("opensandbox.pool.name=p", "opensandbox.pool.image=x")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("max-idle"));
    }

    @Test
    void theApplicationsStateStore_andCustomizers_areUsed() {
        configured.withUserConfiguration(OwnStore.class).run(context -> {
            PoolStateStore store = context.getBean(PoolStateStore.class);
            // the pool wrote its target to the application's store at start
            assertThat(store.maxIdle("spring-pool")).hasValue(0);
            assertThat(context.getBean(SandboxPool.class).ownerId()).isEqualTo("customized-owner");
        });
    }

    @Test
    void theUsersPoolBean_wins() {
        configured.withUserConfiguration(OwnPool.class).run(context -> {
            assertThat(context).hasSingleBean(SandboxPool.class);
            assertThat(context.getBean(SandboxPool.class).name()).isEqualTo("users-own");
        });
    }

    @Test
    void health_showsThePoolsState_upWhileHealthy_downOnceClosed() {
        configured.run(context -> {
            HealthIndicator indicator =
                    context.getBean(OpenSandboxPoolHealthAutoConfiguration.INDICATOR_BEAN, HealthIndicator.class);
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails())
                    .containsEntry("pool", "spring-pool")
                    .containsEntry("state", "HEALTHY")
                    .containsEntry("storeAvailable", true)
                    .containsEntry("maxIdle", 0)
                    .containsEntry("leased", 0);
            context.getBean(SandboxPool.class).close();
            Health closed = indicator.health();
            assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
            assertThat(closed.getDetails()).containsEntry("state", "STOPPED");
        });
        configured
                .withPropertyValues("opensandbox.health.enabled=false")
                .run(context ->
                        assertThat(context).doesNotHaveBean(OpenSandboxPoolHealthAutoConfiguration.INDICATOR_BEAN));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        @Bean
        PoolStateStore ownStore() {
            return InMemoryPoolStateStore.create();
        }

        @Bean
        SandboxPoolCustomizer owner() {
            return builder -> builder.ownerId("customized-owner");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPool {
        @Bean(destroyMethod = "close")
        SandboxPool ownPool(ConnectionConfig config) {
            return SandboxPool.builder()
                    .poolName("users-own")
                    .maxIdle(0)
                    .image("ubuntu:24.04")
                    .acquirePolicy(AcquirePolicy.FAIL_FAST)
                    .connectionConfig(config)
                    .start();
        }
    }
}
