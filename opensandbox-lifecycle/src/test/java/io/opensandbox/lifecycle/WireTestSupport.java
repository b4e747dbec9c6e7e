package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** WireMock on 127.0.0.1 standing in for the lifecycle server and execd, with the bodies the real ones send. */
final class WireTestSupport {
    static final String API_KEY = "lifecycle-key-123";
    static final String ENDPOINT_TOKEN = "endpoint-token-456";

    private WireTestSupport() {}

    static WireMockExtension server() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
                .build();
    }

    static ConnectionConfig config(WireMockExtension server) {
        return ConnectionConfig.builder()
                .domain("127.0.0.1:" + server.getPort())
                .apiKey(API_KEY)
                .requestTimeout(Duration.ofSeconds(5))
                .retryPolicy(RetryPolicy.disabled())
                .build();
    }

    static String sandboxJson(String id, String state) {
        return "{\"id\":\"" + id + "\",\"image\":{\"uri\":\"python:3.12\"},\"status\":{\"state\":\"" + state
                + "\",\"reason\":\"r\",\"message\":\"m\",\"lastTransitionAt\":\"2026-11-27T07:00:00.123456+00:00\"},"
                + "\"metadata\":{\"team\":\"a\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
                + "\"expiresAt\":\"2026-11-27T07:10:00Z\",\"createdAt\":\"2026-11-27T07:00:00Z\"}";
    }

    /** Stubs the endpoint lookup of port 44772 to a path-carrying endpoint on the same server, and its ping. */
    static void stubExecd(WireMockExtension server, String id) {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + id + "/endpoints/44772"))
                .willReturn(okJson("{\"endpoint\":\"127.0.0.1:" + server.getPort() + "/proxy/" + id
                        + "/44772\",\"headers\":{\"X-Endpoint-Token\":\"" + ENDPOINT_TOKEN + "\"}}")));
        server.stubFor(
                get("/proxy/" + id + "/44772/ping").willReturn(aResponse().withStatus(200)));
    }

    /** Stubs {@code POST /v1/sandboxes} to accept the sandbox {@code id} (202, Pending), as the server does. */
    static void stubCreate(WireMockExtension server, String id) {
        server.stubFor(post("/v1/sandboxes")
                .willReturn(aResponse()
                        .withStatus(202)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("Location", "/v1/sandboxes/" + id)
                        .withBody("{\"id\":\"" + id + "\",\"status\":{\"state\":\"Pending\"},"
                                + "\"entrypoint\":[\"tail\"],\"createdAt\":\"2026-11-27T07:00:00Z\"}")));
    }

    /** A loopback port that nothing listens on (it was free a moment ago), so connections to it are refused. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
