package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.opensandbox.lifecycle.WireTestSupport.sandboxJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
class RetryWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static final List<String> retries = new CopyOnWriteArrayList<>();

    private static ConnectionConfig config(int port) {
        return ConnectionConfig.builder()
                .domain("127.0.0.1:" + port)
                .retryPolicy(RetryPolicy.builder()
                        .initialBackoff(Duration.ofMillis(20))
                        .maxBackoff(Duration.ofMillis(50))
                        .onRetry((request, attempt, delay, failure) -> retries.add(
                                request + " #" + attempt + " " + failure.error().code()))
                        .build())
                .build();
    }

    @Test
    void get_after503Burst_succeedsAndTellsTheHook() {
        retries.clear();
        server.stubFor(get("/v1/sandboxes/r1")
                .inScenario("burst")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("busy"))
                .willSetStateTo("second"));
        server.stubFor(get("/v1/sandboxes/r1")
                .inScenario("burst")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(502).withBody("<html>bad gateway</html>"))
                .willSetStateTo("ok"));
        server.stubFor(get("/v1/sandboxes/r1")
                .inScenario("burst")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(sandboxJson("r1", "Running"))));

        try (SandboxManager manager = SandboxManager.create(config(server.getPort()))) {
            assertThat(manager.getSandboxInfo("r1").id()).isEqualTo("r1");
        }

        server.verify(3, getRequestedFor(urlEqualTo("/v1/sandboxes/r1")));
        assertThat(retries).hasSize(2).allMatch(line -> line.startsWith("GET /sandboxes/r1 #"));
    }

    @Test
    void get_thatKeepsFailing_givesUpAfterFourAttemptsAndSaysSo() {
        server.stubFor(
                get("/v1/sandboxes/r2").willReturn(aResponse().withStatus(503).withBody("busy")));

        try (SandboxManager manager = SandboxManager.create(config(server.getPort()))) {
            assertThatThrownBy(() -> manager.getSandboxInfo("r2"))
                    .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                        assertThat(e.attempts()).isEqualTo(4);
                        assertThat(e.isRetryable()).isTrue();
                    });
        }
        server.verify(4, getRequestedFor(urlEqualTo("/v1/sandboxes/r2")));
    }

    @Test
    void post_afterAStatus_isNeverRepeated() {
        server.stubFor(
                post("/v1/sandboxes").willReturn(aResponse().withStatus(503).withBody("busy")));

        assertThatThrownBy(() -> Sandbox.builder()
                        .image("x")
                        .connectionConfig(config(server.getPort()))
                        .create())
                .isInstanceOfSatisfying(
                        SandboxApiException.class, e -> assertThat(e.attempts()).isEqualTo(1));
        server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
    }

    @Test
    void post_toAServerThatRefusesConnections_isRepeatedBecauseItWasNeverSent() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        int port = closedPort;

        assertThatThrownBy(() -> Sandbox.builder()
                        .image("x")
                        .connectionConfig(config(port))
                        .create())
                .isInstanceOfSatisfying(ConnectionException.class, e -> {
                    assertThat(e.requestSent()).isFalse();
                    assertThat(e.attempts()).isEqualTo(4);
                });
    }

    @Test
    void callTimeout_boundsEveryAttemptAndBackoffTogether() {
        server.stubFor(
                get("/v1/sandboxes/slow").willReturn(aResponse().withStatus(503).withFixedDelay(150)));
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:" + server.getPort())
                .retryPolicy(RetryPolicy.builder()
                        .initialBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofMillis(100))
                        .build())
                .callTimeout(Duration.ofMillis(400))
                .build();

        long start = System.nanoTime();
        try (SandboxManager manager = SandboxManager.create(config)) {
            assertThatThrownBy(() -> manager.getSandboxInfo("slow"))
                    .isInstanceOfSatisfying(SandboxException.class, e -> {
                        assertThat(e.attempts()).isBetween(1, 3);
                        assertThat(e.isRetryable()).isTrue();
                    });
        }
        // without the call timeout, 4 attempts of 150 ms plus 3 backoffs of 50-100 ms would take about 750 ms
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(server.findAll(getRequestedFor(urlEqualTo("/v1/sandboxes/slow"))))
                .hasSizeLessThan(4);
    }

    @Test
    void callTimeout_cutsSlowHeadersEvenWithALongRequestTimeout() {
        server.stubFor(get("/v1/sandboxes/stuck")
                .willReturn(okJson(sandboxJson("stuck", "Running")).withFixedDelay(3000)));
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:" + server.getPort())
                .requestTimeout(Duration.ofSeconds(20))
                .callTimeout(Duration.ofMillis(300))
                .build();

        try (SandboxManager manager = SandboxManager.create(config)) {
            assertThatThrownBy(() -> manager.getSandboxInfo("stuck"))
                    .isInstanceOf(SandboxTimeoutException.class)
                    .hasMessageContaining("call timeout of 300 ms");
        }
    }
}
