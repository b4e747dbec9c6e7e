package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.opensandbox.lifecycle.WireTestSupport.API_KEY;
import static io.opensandbox.lifecycle.WireTestSupport.closedPort;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.stubCreate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxReadyTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Once the server has accepted a create, the SDK owns a sandbox: whatever fails afterwards (the endpoint lookup,
 * the readiness wait), the sandbox is killed before the error reaches the caller, and the error is the one that
 * explains the failure, not the kill's.
 */
@Timeout(30)
class CreateFailureWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static void stubKill(String id, int status) {
        server.stubFor(delete("/v1/sandboxes/" + id).willReturn(aResponse().withStatus(status)));
    }

    private static Sandbox.Builder builder() {
        return Sandbox.builder().image("python:3.12").connectionConfig(config(server));
    }

    @Test
    void create_whenTheEndpointLookupFailsWith500_killsTheSandboxAndThrowsTheServersError() {
        stubCreate(server, "ef-1");
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/ef-1/endpoints/44772"))
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Request-ID", "req-500")
                        .withBody("{\"code\":\"ENDPOINT::BROKEN\",\"message\":\"router is down\"}")));
        stubKill("ef-1", 204);

        assertThatThrownBy(() -> builder().create())
                .isExactlyInstanceOf(SandboxApiException.class)
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("ENDPOINT::BROKEN");
                    assertThat(e.error().message()).isEqualTo("router is down");
                    assertThat(e.requestId()).contains("req-500");
                })
                .hasMessageNotContaining(API_KEY);

        server.verify(
                1,
                deleteRequestedFor(urlEqualTo("/v1/sandboxes/ef-1"))
                        .withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY)));
        server.verify(0, getRequestedFor(urlPathMatching("/proxy/.*")));
    }

    @Test
    void create_whenTheEndpointLookupFailsWith404_killsTheSandboxAndThrowsNotFound() {
        stubCreate(server, "ef-2");
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/ef-2/endpoints/44772"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX::NOT_FOUND\",\"message\":\"no endpoint yet\"}")));
        stubKill("ef-2", 204);

        assertThatThrownBy(() -> builder().create()).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.error().code()).isEqualTo("SANDBOX::NOT_FOUND");
        });

        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/ef-2")));
    }

    @Test
    void create_whenTheEndpointHasNoAddress_killsTheSandboxAndSaysTheResponseWasUnexpected() {
        stubCreate(server, "ef-3");
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/ef-3/endpoints/44772"))
                .willReturn(okJson("{\"endpoint\":\"\",\"headers\":{}}")));
        stubKill("ef-3", 204);

        assertThatThrownBy(() -> builder().create())
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo(SandboxError.UNEXPECTED_RESPONSE))
                .hasMessageContaining("no endpoint address")
                .hasMessageContaining("ef-3");

        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/ef-3")));
    }

    @Test
    void create_whenThePingCannotConnect_killsTheSandboxAndThrowsReadyTimeoutCausedByTheConnectionFailure() {
        int port = closedPort();
        stubCreate(server, "ef-4");
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/ef-4/endpoints/44772"))
                .willReturn(okJson("{\"endpoint\":\"127.0.0.1:" + port + "\",\"headers\":{}}")));
        stubKill("ef-4", 204);

        assertThatThrownBy(() -> builder()
                        .readyTimeout(Duration.ofMillis(1200))
                        .healthCheckPollingInterval(Duration.ofMillis(200))
                        .create())
                .isInstanceOfSatisfying(SandboxReadyTimeoutException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(SandboxError.READY_TIMEOUT);
                    // the last probe's failure, kept for callers that handle it by type
                    assertThat(e.getCause())
                            .isInstanceOfSatisfying(
                                    ConnectionException.class,
                                    cause -> assertThat(cause.requestSent()).isFalse());
                })
                .hasMessageContaining("ef-4")
                .hasMessageContaining("execd endpoint 127.0.0.1:" + port)
                .hasMessageContaining("last error: ConnectionException")
                .hasMessageContaining("useServerProxy(true)");

        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/ef-4")));
    }

    @Test
    void create_whenACustomHealthCheckKeepsThrowing_killsTheSandboxAndKeepsTheChecksFailureAsCause() {
        stubCreate(server, "ef-5");
        WireTestSupport.stubExecd(server, "ef-5");
        stubKill("ef-5", 204);
        IllegalStateException broken = new IllegalStateException("port 8080 is closed");

        assertThatThrownBy(() -> builder()
                        .healthCheck(sandbox -> {
                            throw broken;
                        })
                        .readyTimeout(Duration.ofMillis(600))
                        .healthCheckPollingInterval(Duration.ofMillis(200))
                        .create())
                .isInstanceOf(SandboxReadyTimeoutException.class)
                .hasCause(broken)
                .hasMessageContaining("IllegalStateException: port 8080 is closed");

        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/ef-5")));
    }

    @Test
    void create_whenTheKillFailsToo_stillThrowsTheFailureThatStoppedTheCreate() {
        stubCreate(server, "ef-6");
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/ef-6/endpoints/44772"))
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"ENDPOINT::BROKEN\",\"message\":\"router is down\"}")));
        server.stubFor(delete("/v1/sandboxes/ef-6")
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"KILL::BROKEN\",\"message\":\"cannot delete\"}")));

        assertThatThrownBy(() -> builder().create())
                .isInstanceOfSatisfying(
                        SandboxApiException.class,
                        e -> assertThat(e.error().code()).isEqualTo("ENDPOINT::BROKEN"));

        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/ef-6")));
    }

    @Test
    void create_whenTheCreateItselfFails_killsNothing() {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/sandboxes")
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX::INVALID_IMAGE\",\"message\":\"no such image\"}")));

        assertThatThrownBy(() -> builder().create()).isInstanceOfSatisfying(SandboxApiException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.error().code()).isEqualTo("SANDBOX::INVALID_IMAGE");
        });

        server.verify(0, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
        server.verify(0, getRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
    }
}
