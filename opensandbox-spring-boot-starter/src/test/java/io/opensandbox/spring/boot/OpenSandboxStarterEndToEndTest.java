package io.opensandbox.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A real application context against the testkit server: beans, observations as Micrometer timers, health. */
class OpenSandboxStarterEndToEndTest {
    private static LocalSandboxServer server;

    @BeforeAll
    static void startServer() {
        server = LocalSandboxServer.builder().apiKey("e2e-key").start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private ApplicationContextRunner runner(LocalSandboxServer target, String apiKey) {
        MeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        OpenSandboxObservationAutoConfiguration.class,
                        OpenSandboxAutoConfiguration.class,
                        OpenSandboxHealthAutoConfiguration.class))
                .withBean(MeterRegistry.class, () -> meters)
                .withBean(ObservationRegistry.class, () -> observations)
                .withPropertyValues("opensandbox.domain=" + target.domain(), "opensandbox.api-key=" + apiKey);
    }

    @Test
    void aSandboxMadeWithTheBeans_isObservedAsTimersWithTags() {
        runner(server, "e2e-key").run(context -> {
            ConnectionConfig config = context.getBean(ConnectionConfig.class);
            try (Sandbox sandbox =
                    Sandbox.builder().image("ubuntu").connectionConfig(config).create()) {
                assertThat(Commands.of(sandbox).run("echo hi").stdoutText()).isEqualTo("hi");
                sandbox.kill();
            }
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Timer create = meters.find(ObservationCallListener.NAME)
                    .tags("operation", "sandbox.create", "outcome", "SUCCESS", "exception", "none")
                    .timer();
            assertThat(create).isNotNull();
            assertThat(create.count()).isEqualTo(1);
            Timer run = meters.find(ObservationCallListener.NAME)
                    .tags("operation", "commands.run", "outcome", "SUCCESS", "status", "200", "exception", "none")
                    .timer();
            assertThat(run).isNotNull();
            assertThat(run.count()).isEqualTo(1);
            Timer kill = meters.find(ObservationCallListener.NAME)
                    .tags("operation", "sandbox.kill", "outcome", "SUCCESS", "status", "204")
                    .timer();
            assertThat(kill).isNotNull();
            assertThat(kill.count()).isEqualTo(1);
        });
    }

    @Test
    void aFailingCall_isObservedWithItsStatusAndException() {
        runner(server, "e2e-key").run(context -> {
            try {
                context.getBean(io.opensandbox.lifecycle.SandboxManager.class).getSandboxInfo("no-such-sandbox");
            } catch (io.opensandbox.api.NotFoundException expected) {
                // the observation is what is checked
            }
            Timer failed = context.getBean(MeterRegistry.class)
                    .find(ObservationCallListener.NAME)
                    .tags("operation", "sandbox.getInfo", "outcome", "FAILURE", "status", "404")
                    .tags("exception", "NotFoundException")
                    .timer();
            assertThat(failed).isNotNull();
            assertThat(failed.count()).isEqualTo(1);
        });
    }

    @Test
    void health_isUpWithTheServer_downWithAWrongKey_andDownWhenTheServerStops() {
        runner(server, "e2e-key").run(context -> {
            HealthIndicator health =
                    context.getBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN, HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails().toString()).doesNotContain("e2e-key");
        });
        runner(server, "wrong-key").run(context -> {
            HealthIndicator health =
                    context.getBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN, HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("status", 401);
            assertThat(health.health().getDetails().toString()).doesNotContain("wrong-key");
        });
        LocalSandboxServer stopping = LocalSandboxServer.builder().apiKey("k2").start();
        runner(stopping, "k2").run(context -> {
            HealthIndicator health =
                    context.getBean(OpenSandboxHealthAutoConfiguration.INDICATOR_BEAN, HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            stopping.close();
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
    }
}
