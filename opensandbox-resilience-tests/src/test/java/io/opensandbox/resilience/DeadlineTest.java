package io.opensandbox.resilience;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxReadyTimeoutException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.lifecycle.HealthCheck;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.resilience.support.RawServer;
import io.opensandbox.resilience.support.SdkResources;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each deadline the SDK documents, tested: connect timeout, request timeout (which never cuts a moving stream),
 * stream idle timeout, and the readiness wait (never more than one polling interval over its budget). Bounds are
 * generous (seconds of slack) but always far below what the wait would be without the deadline.
 */
@Timeout(60)
@ExtendWith(LocalSandboxExtension.class)
class DeadlineTest {
    @RegisterExtension
    static WireMockExtension wiremock = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    /** Slack for a loaded 2-core machine; every bound below is still far under the undeadlined wait. */
    private static final long SLACK_MS = 1_500;

    private static ConnectionConfig.Builder config(String address) {
        return ConnectionConfig.builder().domain(address).apiKey("deadline-key").retryPolicy(RetryPolicy.disabled());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ------------------------------------------------------------------------------------------ connect

    /** A loopback port whose accept queue is full: a new connection attempt hangs instead of being refused. */
    private static final class FullBacklog implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new ArrayList<>();

        FullBacklog() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
                    held.add(socket);
                } catch (SocketTimeoutException e) {
                    socket.close();
                    return;
                }
            }
            throw new IllegalStateException("could not fill the accept queue of a loopback socket");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : held) {
                socket.close();
            }
            server.close();
        }
    }

    @Test
    void connectTimeout_boundsTheWaitForAConnection_andCountsAsNotSent() throws IOException {
        try (FullBacklog backlog = new FullBacklog();
                SandboxManager manager = SandboxManager.create(config("127.0.0.1:" + backlog.port())
                        .connectTimeout(Duration.ofMillis(300))
                        .requestTimeout(Duration.ofSeconds(20))
                        .build())) {
            long start = System.nanoTime();
            ConnectionException failure =
                    catchThrowableOfType(ConnectionException.class, () -> manager.getSandboxInfo("c1"));
            long elapsed = millisSince(start);

            assertThat(failure.requestSent()).isFalse();
            assertThat(failure).hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(elapsed).isGreaterThanOrEqualTo(250).isLessThan(300 + SLACK_MS);
        }
    }

    @Test
    void connectTimeout_onAPost_isRetriedBecauseNothingWasSent() throws IOException {
        try (FullBacklog backlog = new FullBacklog()) {
            ConnectionConfig config = config("127.0.0.1:" + backlog.port())
                    .connectTimeout(Duration.ofMillis(200))
                    .retryPolicy(RetryPolicy.builder()
                            .maxRetries(2)
                            .initialBackoff(Duration.ofMillis(10))
                            .maxBackoff(Duration.ofMillis(20))
                            .build())
                    .build();
            assertThatThrownBy(() -> Sandbox.builder()
                            .image("x")
                            .connectionConfig(config)
                            .create())
                    .isInstanceOfSatisfying(ConnectionException.class, e -> {
                        assertThat(e.requestSent()).isFalse();
                        assertThat(e.attempts()).isEqualTo(3);
                    });
        }
    }

    // ------------------------------------------------------------------------------------------ request

    @Test
    void requestTimeout_boundsTheWaitForResponseHeaders() {
        wiremock.stubFor(get("/v1/sandboxes/t1")
                .willReturn(okJson(RawServer.sandboxJson("t1")).withFixedDelay(10_000)));
        try (SandboxManager manager = SandboxManager.create(config("127.0.0.1:" + wiremock.getPort())
                .requestTimeout(Duration.ofMillis(400))
                .build())) {
            long start = System.nanoTime();
            SandboxTimeoutException failure =
                    catchThrowableOfType(SandboxTimeoutException.class, () -> manager.getSandboxInfo("t1"));
            long elapsed = millisSince(start);

            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(failure.isRetryable()).isTrue();
            assertThat(elapsed).isGreaterThanOrEqualTo(350).isLessThan(400 + SLACK_MS);
        }
    }

    @Test
    void requestTimeout_neverCutsACommandStreamThatIsStillMoving(ConnectionConfig base) {
        // Only the command runs under the short request timeout: creating, reaching and killing the sandbox are not
        // what this test is about, and under load they (and a retried kill) would trip it instead. The timeout still
        // bounds the command's response headers, which execd (and the testkit) send only once the process has
        // started, so it must leave room for a process start on a loaded machine; the stream then runs for more
        // than three times as long, printing all the while.
        Duration requestTimeout = Duration.ofSeconds(2);
        ConnectionConfig shortRequests = base.toBuilder()
                .requestTimeout(requestTimeout)
                .streamIdleTimeout(Duration.ofSeconds(5))
                .build();
        try (Sandbox sandbox =
                Sandbox.builder().image("ubuntu").connectionConfig(base).create()) {
            try (DirectHandle execd = DirectHandle.of(
                    sandbox.id(),
                    shortRequests,
                    Map.of(SandboxHandle.EXECD_PORT, sandbox.endpoint(SandboxHandle.EXECD_PORT)))) {
                long start = System.nanoTime();
                Execution execution =
                        Commands.of(execd).run("for i in 1 2 3 4 5 6 7 8 9 10; do echo $i; sleep 0.7; done");
                // outlived the request timeout three times over
                assertThat(millisSince(start)).isGreaterThan(3 * requestTimeout.toMillis());
                assertThat(execution.stdoutText()).isEqualTo("1\n2\n3\n4\n5\n6\n7\n8\n9\n10");
                assertThat(execution.exitCode()).hasValue(0);
            } finally {
                sandbox.kill();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ idle

    @Test
    void streamIdleTimeout_endsASilentCommandStream() {
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                        .pingInterval(Duration.ofSeconds(30))
                        .start();
                Sandbox sandbox = Sandbox.builder()
                        .image("ubuntu")
                        .connectionConfig(LocalSandboxExtension.config(server).toBuilder()
                                .streamIdleTimeout(Duration.ofMillis(700))
                                .retryPolicy(RetryPolicy.disabled())
                                .build())
                        .create()) {
            long start = System.nanoTime();
            SandboxTimeoutException failure = catchThrowableOfType(
                    SandboxTimeoutException.class, () -> Commands.of(sandbox).run("sleep 5; echo late"));
            long elapsed = millisSince(start);

            assertThat(failure.attempts()).isEqualTo(1);
            assertThat(elapsed).isGreaterThanOrEqualTo(650).isLessThan(700 + SLACK_MS);
            sandbox.kill();
        }
    }

    @Test
    void streamIdleTimeout_isKeptAliveByExecdPings_andCanBeSetPerRun() {
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                        .pingInterval(Duration.ofMillis(200))
                        .start();
                Sandbox sandbox = Sandbox.builder()
                        .image("ubuntu")
                        .connectionConfig(LocalSandboxExtension.config(server).toBuilder()
                                .streamIdleTimeout(Duration.ofMillis(700))
                                .build())
                        .create()) {
            Execution quiet = Commands.of(sandbox).run("sleep 2; echo late");
            assertThat(quiet.stdoutText()).isEqualTo("late");

            // a per-run idle timeout shorter than the ping interval ends the stream
            assertThatThrownBy(() -> Commands.of(sandbox)
                            .run(
                                    "sleep 3; echo late",
                                    RunOptions.builder()
                                            .idleTimeout(Duration.ofMillis(100))
                                            .build()))
                    .isInstanceOf(SandboxTimeoutException.class);
            sandbox.kill();
        }
    }

    // ------------------------------------------------------------------------------------------ readiness

    private static void stubEndpoint(String id) {
        wiremock.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + id + "/endpoints/44772"))
                .willReturn(
                        okJson("{\"endpoint\":\"127.0.0.1:" + wiremock.getPort() + "/" + id + "\",\"headers\":{}}")));
    }

    private static long readinessMillis(String id, Duration budget, Duration interval, HealthCheck check) {
        Sandbox.Connector connector = Sandbox.connector(id)
                .connectionConfig(config("127.0.0.1:" + wiremock.getPort())
                        .requestTimeout(Duration.ofSeconds(20))
                        .build())
                .readyTimeout(budget)
                .healthCheckPollingInterval(interval);
        if (check != null) {
            connector.healthCheck(check);
        }
        long start = System.nanoTime();
        assertThatThrownBy(connector::connect).isInstanceOf(SandboxReadyTimeoutException.class);
        return millisSince(start);
    }

    @Test
    void readiness_whenPingFails_endsWithinBudgetPlusOneInterval() {
        stubEndpoint("r1");
        wiremock.stubFor(get("/r1/ping").willReturn(aResponse().withStatus(503)));

        long elapsed = readinessMillis("r1", Duration.ofSeconds(1), Duration.ofMillis(300), null);

        assertThat(elapsed).isGreaterThanOrEqualTo(1_000).isLessThan(1_000 + 300 + SLACK_MS);
    }

    @Test
    void readiness_whenPingHangs_endsWithinBudgetPlusOneInterval() {
        stubEndpoint("r2");
        wiremock.stubFor(get("/r2/ping").willReturn(aResponse().withStatus(200).withFixedDelay(15_000)));

        long elapsed = readinessMillis("r2", Duration.ofSeconds(1), Duration.ofMillis(300), null);

        assertThat(elapsed).isGreaterThanOrEqualTo(1_000).isLessThan(1_000 + 300 + SLACK_MS);
    }

    @Test
    void readiness_whenACustomHealthCheckHangs_endsWithinBudgetPlusOneInterval() {
        stubEndpoint("r3");
        CompletableFuture<Void> released = new CompletableFuture<>();
        try {
            long elapsed = readinessMillis("r3", Duration.ofSeconds(1), Duration.ofMillis(300), sandbox -> {
                try {
                    released.get(15, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    // the test's own bound
                }
                return true;
            });

            assertThat(elapsed).isGreaterThanOrEqualTo(1_000).isLessThan(1_000 + 300 + SLACK_MS);
        } finally {
            released.complete(null);
        }
    }

    // ------------------------------------------------------------------------------------------ overall

    /**
     * {@code ConnectionConfig.callTimeout} bounds a request-response call, retries included (tested in the lifecycle
     * module's {@code RetryWireTest}); a whole streamed command is bounded by the async form and a timed wait, then
     * cancel. Cancelling must release the connection.
     */
    @Test
    void callerDeadlineOnRunAsync_cancelReleasesTheStreamAndItsConnection(
            ConnectionConfig base, LocalSandboxServer server) {
        ConnectionConfig config = base.toBuilder().build();
        try (Sandbox sandbox =
                Sandbox.builder().image("ubuntu").connectionConfig(config).create()) {
            Commands commands = Commands.of(sandbox);
            CompletableFuture<Execution> running = commands.runAsync(
                    "sleep 20.5", RunOptions.builder().interruptOnCancel(true).build(), ExecutionHandlers.NONE);
            // the pattern's [0] keeps the checking shell's own command line from matching it
            String find = "pgrep -f 'sleep 2[0][.]5' || true";
            long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (commands.run(find).stdoutText().isBlank() && System.nanoTime() < started) {
                sleepQuietly(20);
            }
            assertThat(commands.run(find).stdoutText()).as("the command runs").isNotBlank();
            assertThatThrownBy(() -> running.get(700, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

            running.cancel(true);

            // the caller's deadline reached the sandbox: the remote command ended (interrupted, or stopped by execd
            // when its stream closed), instead of running on after the caller gave up
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String left = commands.run(find).stdoutText();
            while (!left.isBlank() && System.nanoTime() < deadline) {
                sleepQuietly(50);
                left = commands.run(find).stdoutText();
            }
            assertThat(left)
                    .as("processes of the cancelled command left in the sandbox")
                    .isBlank();
            sandbox.kill();
        }
        assertThat(SdkResources.awaitNoOwnedThreads(Duration.ofSeconds(10))).isEmpty();
        assertThat(SdkResources.awaitAtMost(
                        () -> SdkResources.clientConnections(server.port()), 0, Duration.ofSeconds(10)))
                .isZero();
    }
}
