package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.opensandbox.lifecycle.WireTestSupport.ENDPOINT_TOKEN;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.stubCreate;
import static io.opensandbox.lifecycle.WireTestSupport.stubExecd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.CapacityExceededException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxReadyTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The asynchronous forms: a success completes the future with a usable sandbox; a failure completes it
 * exceptionally with the same typed {@link io.opensandbox.api.SandboxException} the blocking form throws, directly
 * inside the {@link ExecutionException} of {@code get} and the {@link CompletionException} of {@code join}.
 */
@Timeout(30)
class AsyncWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    /** The typed failure is the direct cause of both {@code get}'s and {@code join}'s exception. */
    private static <E extends Throwable> void assertFailsInside(
            CompletableFuture<?> future, Class<E> type, Consumer<E> check) {
        assertThatThrownBy(() -> await(future))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(type, check);
        assertThatThrownBy(future::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(type);
    }

    private static void stubEndpointError(String id, int status, String code) {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + id + "/endpoints/44772"))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"" + code + "\",\"message\":\"m\"}")));
    }

    @Test
    void createAsync_completesWithAReadySandbox() throws Exception {
        stubCreate(server, "as-1");
        stubExecd(server, "as-1");

        CompletableFuture<Sandbox> future = Sandbox.builder()
                .image("python:3.12")
                .connectionConfig(config(server))
                .createAsync();

        try (Sandbox sandbox = await(future)) {
            assertThat(sandbox.id()).isEqualTo("as-1");
            assertThat(sandbox.endpoint(44772).headers()).containsEntry("X-Endpoint-Token", ENDPOINT_TOKEN);
        }
        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes")));
        server.verify(getRequestedFor(urlEqualTo("/proxy/as-1/44772/ping")));
        server.verify(0, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
    }

    @Test
    void createAsync_whenTheServerRefuses_failsWithTheTypedErrorAndKillsNothing() {
        server.stubFor(post("/v1/sandboxes")
                .willReturn(aResponse()
                        .withStatus(507)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX::CAPACITY\",\"message\":\"no room\"}")));

        CompletableFuture<Sandbox> future = Sandbox.builder()
                .image("python:3.12")
                .connectionConfig(config(server))
                .createAsync();

        assertFailsInside(
                future,
                CapacityExceededException.class,
                e -> assertThat(e.error().code()).isEqualTo("SANDBOX::CAPACITY"));
        server.verify(0, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
    }

    @Test
    void createAsync_whenTheEndpointLookupFails_killsTheSandboxBeforeFailingTheFuture() {
        stubCreate(server, "as-2");
        stubEndpointError("as-2", 500, "ENDPOINT::BROKEN");
        server.stubFor(delete("/v1/sandboxes/as-2").willReturn(aResponse().withStatus(204)));

        CompletableFuture<Sandbox> future = Sandbox.builder()
                .image("python:3.12")
                .connectionConfig(config(server))
                .createAsync();

        assertThatThrownBy(() -> await(future))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("ENDPOINT::BROKEN");
                });
        // the kill was sent before the future failed, not fired and forgotten
        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/as-2")));
    }

    @Test
    void connectAsync_completesWithAConnectedSandbox() throws Exception {
        stubExecd(server, "as-3");

        CompletableFuture<Sandbox> future =
                Sandbox.connector("as-3").connectionConfig(config(server)).connectAsync();

        try (Sandbox sandbox = await(future)) {
            assertThat(sandbox.id()).isEqualTo("as-3");
            assertThat(sandbox.connectionConfig().domain()).isEqualTo("127.0.0.1:" + server.getPort());
        }
        server.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/as-3/endpoints/44772?use_server_proxy=false")));
        server.verify(1, getRequestedFor(urlEqualTo("/proxy/as-3/44772/ping")));
    }

    @Test
    void connectAsync_toAnUnknownSandbox_failsWithNotFoundInside() {
        stubEndpointError("as-4", 404, "SANDBOX::NOT_FOUND");

        CompletableFuture<Sandbox> future =
                Sandbox.connector("as-4").connectionConfig(config(server)).connectAsync();

        assertFailsInside(
                future,
                NotFoundException.class,
                e -> assertThat(e.error().code()).isEqualTo("SANDBOX::NOT_FOUND"));
        server.verify(0, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
    }

    @Test
    void connectAsync_toASandboxThatNeverAnswers_failsWithReadyTimeoutInsideAndKillsNothing() {
        stubExecd(server, "as-5");
        server.stubFor(get("/proxy/as-5/44772/ping").willReturn(aResponse().withStatus(503)));

        CompletableFuture<Sandbox> future = Sandbox.connector("as-5")
                .connectionConfig(config(server))
                .readyTimeout(Duration.ofMillis(500))
                .healthCheckPollingInterval(Duration.ofMillis(100))
                .connectAsync();

        assertThatThrownBy(() -> await(future))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(SandboxReadyTimeoutException.class)
                .hasMessageContaining("as-5")
                .cause()
                .isInstanceOfSatisfying(
                        SandboxApiException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(503));
        server.verify(0, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
    }

    @Test
    void resumeAsync_completesWithANewConnectedInstance() throws Exception {
        stubExecd(server, "as-6");
        server.stubFor(post("/v1/sandboxes/as-6/resume").willReturn(aResponse().withStatus(202)));

        try (Sandbox sandbox = Sandbox.connect("as-6", config(server));
                Sandbox resumed = await(sandbox.resumeAsync())) {
            assertThat(resumed).isNotSameAs(sandbox);
            assertThat(resumed.id()).isEqualTo("as-6");
            assertThat(resumed.isHealthy()).isTrue();
        }
        server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/as-6/resume")));
        server.verify(2, getRequestedFor(urlPathEqualTo("/v1/sandboxes/as-6/endpoints/44772")));
    }

    @Test
    void resumeAsync_whenTheServerRefuses_failsWithTheTypedErrorAndResolvesNothing() throws Exception {
        stubExecd(server, "as-7");
        server.stubFor(post("/v1/sandboxes/as-7/resume")
                .willReturn(aResponse()
                        .withStatus(409)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX::NOT_PAUSED\",\"message\":\"sandbox is running\"}")));

        try (Sandbox sandbox = Sandbox.connect("as-7", config(server))) {
            CompletableFuture<Sandbox> future = sandbox.resumeAsync();

            assertFailsInside(
                    future,
                    ConflictException.class,
                    e -> assertThat(e.error().code()).isEqualTo("SANDBOX::NOT_PAUSED"));
            // the blocking form throws the same type
            assertThatThrownBy(sandbox::resume).isInstanceOf(ConflictException.class);
            // the instance that asked stays usable
            assertThat(sandbox.isHealthy()).isTrue();
        }
        server.verify(1, getRequestedFor(urlPathEqualTo("/v1/sandboxes/as-7/endpoints/44772")));
    }

    @Test
    void resumeAsync_whenTheResumedSandboxsEndpointCannotBeResolved_failsWithThatError() {
        String endpoints = "/v1/sandboxes/as-8/endpoints/44772";
        stubExecd(server, "as-8");
        server.stubFor(get(urlPathEqualTo(endpoints))
                .inScenario("resume")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"endpoint\":\"127.0.0.1:" + server.getPort() + "/proxy/as-8/44772\"}"))
                .willSetStateTo("resumed"));
        server.stubFor(get(urlPathEqualTo(endpoints))
                .inScenario("resume")
                .whenScenarioStateIs("resumed")
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"ENDPOINT::BROKEN\",\"message\":\"router is down\"}")));
        server.stubFor(post("/v1/sandboxes/as-8/resume").willReturn(aResponse().withStatus(202)));

        try (Sandbox sandbox = Sandbox.connect("as-8", config(server))) {
            assertThatThrownBy(() -> await(sandbox.resumeAsync()))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(500);
                        assertThat(e.error().code()).isEqualTo("ENDPOINT::BROKEN");
                    });
        }
        server.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes/as-8/resume")));
        server.verify(2, getRequestedFor(urlPathEqualTo(endpoints)));
        // resuming is not creating: nothing is killed
        server.verify(0, deleteRequestedFor(urlPathMatching("/v1/sandboxes/.*")));
    }

    @Test
    void createAsync_cancelledWhileTheSandboxStarts_killsTheSandboxOnceItIsKnown() throws Exception {
        stubCreate(server, "as-cancel");
        stubExecd(server, "as-cancel");
        server.stubFor(get("/proxy/as-cancel/44772/ping")
                .willReturn(aResponse().withStatus(200).withFixedDelay(800)));
        server.stubFor(delete("/v1/sandboxes/as-cancel").willReturn(aResponse().withStatus(204)));

        CompletableFuture<Sandbox> future = Sandbox.builder()
                .image("python:3.12")
                .connectionConfig(config(server))
                .createAsync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.findAll(getRequestedFor(urlEqualTo("/proxy/as-cancel/44772/ping")))
                        .isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(future.cancel(true)).isTrue();

        while (server.findAll(deleteRequestedFor(urlEqualTo("/v1/sandboxes/as-cancel")))
                        .isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/as-cancel")));
        assertThat(future).isCancelled();
    }
}
