package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.opensandbox.lifecycle.WireTestSupport.API_KEY;
import static io.opensandbox.lifecycle.WireTestSupport.ENDPOINT_TOKEN;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.sandboxJson;
import static io.opensandbox.lifecycle.WireTestSupport.stubCreate;
import static io.opensandbox.lifecycle.WireTestSupport.stubExecd;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.opensandbox.api.ConnectionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every lifecycle call, made once through {@link Sandbox} and once through {@link SandboxManager}, carries the API
 * key and {@code Accept: application/json}, and no endpoint credential; every request to an endpoint carries its
 * token and never the API key; no secret is in any URL.
 */
@Timeout(30)
class CredentialHeadersWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static final String ID = "hd-1";
    private static final String REGISTRY_PASSWORD = "registry-pa55word";
    private static final String OSS_SECRET = "oss-access-key-secret";
    private static final String SNAPSHOT = "{\"id\":\"snap-1\",\"sandboxId\":\"" + ID
            + "\",\"status\":{\"state\":\"Ready\"}," + "\"createdAt\":\"2026-11-27T07:00:00Z\"}";
    private static final String LOGS = "{\"sandboxId\":\"" + ID + "\",\"kind\":\"logs\",\"scope\":\"all\","
            + "\"delivery\":\"inline\",\"contentType\":\"text/plain\",\"content\":\"x\",\"truncated\":false}";
    private static final String EVENTS = LOGS.replace("\"logs\"", "\"events\"");

    private static void stubEveryLifecycleCall() {
        String base = "/v1/sandboxes/" + ID;
        stubCreate(server, ID);
        stubExecd(server, ID);
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes"))
                .willReturn(okJson("{\"items\":[" + sandboxJson(ID, "Running") + "],\"pagination\":{\"page\":1,"
                        + "\"pageSize\":20,\"totalItems\":1,\"totalPages\":1,\"hasNextPage\":false}}")));
        server.stubFor(get(base).willReturn(okJson(sandboxJson(ID, "Running"))));
        server.stubFor(delete(base).willReturn(aResponse().withStatus(204)));
        server.stubFor(post(base + "/pause").willReturn(aResponse().withStatus(202)));
        server.stubFor(post(base + "/resume").willReturn(aResponse().withStatus(202)));
        server.stubFor(post(base + "/renew-expiration").willReturn(okJson("{\"expiresAt\":\"2030-01-01T00:00:00Z\"}")));
        server.stubFor(get(urlPathEqualTo(base + "/endpoints/8080"))
                .willReturn(okJson("{\"endpoint\":\"127.0.0.1:" + server.getPort() + "/proxy/" + ID + "/8080\","
                        + "\"headers\":{\"X-Endpoint-Token\":\"" + ENDPOINT_TOKEN + "\"}}")));
        server.stubFor(patch(urlPathEqualTo(base + "/metadata")).willReturn(okJson(sandboxJson(ID, "Running"))));
        server.stubFor(post(base + "/snapshots")
                .willReturn(aResponse()
                        .withStatus(202)
                        .withHeader("Content-Type", "application/json")
                        .withBody(SNAPSHOT.replace("Ready", "Creating"))));
        server.stubFor(get(urlPathEqualTo("/v1/snapshots"))
                .willReturn(okJson("{\"items\":[" + SNAPSHOT + "],\"pagination\":{\"page\":1,\"pageSize\":20,"
                        + "\"totalItems\":1,\"totalPages\":1,\"hasNextPage\":false}}")));
        server.stubFor(get("/v1/snapshots/snap-1").willReturn(okJson(SNAPSHOT)));
        server.stubFor(delete("/v1/snapshots/snap-1").willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlPathEqualTo(base + "/diagnostics/logs")).willReturn(okJson(LOGS)));
        server.stubFor(get(urlPathEqualTo(base + "/diagnostics/events")).willReturn(okJson(EVENTS)));
    }

    @Test
    void everyLifecycleCall_carriesTheApiKeyAndAccept_andNoEndpointCredential() {
        stubEveryLifecycleCall();
        ConnectionConfig config = config(server);
        Map<String, String> patch = new HashMap<>();
        patch.put("team", "b");
        patch.put("gone", null);

        try (Sandbox sandbox = Sandbox.builder()
                .image(ImageSpec.of("registry.example/app:1", "robot", REGISTRY_PASSWORD))
                .volume(Volume.builder("models", "/models")
                        .backend(new Volume.Ossfs("bucket-1", "oss.example", "2.0", List.of(), "id", OSS_SECRET))
                        .build())
                .connectionConfig(config)
                .create()) {
            sandbox.getInfo();
            sandbox.getEndpoint(8080);
            sandbox.getSignedEndpoint(8080, Instant.now().plusSeconds(600));
            assertThat(sandbox.isHealthy()).isTrue();
            sandbox.pause();
            try (Sandbox resumed = sandbox.resume()) {
                assertThat(resumed.id()).isEqualTo(ID);
            }
            sandbox.renew(Duration.ofMinutes(5));
            sandbox.patchMetadata(patch);
            sandbox.createSnapshot("before");
            sandbox.getDiagnosticLogs("all");
            sandbox.getDiagnosticEvents("all");
            sandbox.kill();
        }
        try (Sandbox connected = Sandbox.connect(ID, config);
                SandboxManager manager = SandboxManager.create(config)) {
            assertThat(connected.id()).isEqualTo(ID);
            manager.listSandboxInfos(SandboxFilter.builder().build());
            assertThat(manager.streamSandboxInfos(SandboxFilter.builder().build()))
                    .hasSize(1);
            manager.getSandboxInfo(ID);
            manager.pauseSandbox(ID);
            manager.resumeSandbox(ID);
            manager.renewSandbox(ID, Duration.ofMinutes(5));
            manager.patchSandboxMetadata(ID, patch);
            manager.createSnapshot(ID, null);
            manager.getSnapshot("snap-1");
            manager.listSnapshots(SnapshotFilter.builder().build());
            manager.waitForSnapshot("snap-1", Duration.ofSeconds(5));
            manager.deleteSnapshot("snap-1");
            manager.getDiagnosticLogs(ID, "all");
            manager.getDiagnosticEvents(ID, "all");
            manager.killSandbox(ID);
        }

        List<Request> requests = server.getAllServeEvents().stream()
                .map(event -> (Request) event.getRequest())
                .toList();
        Set<String> lifecycleCalls = new TreeSet<>();
        SoftAssertions softly = new SoftAssertions();
        for (Request request : requests) {
            String call = request.getMethod() + " " + request.getUrl().replaceAll("\\?.*", "");
            softly.assertThat(request.getUrl())
                    .as(call)
                    .doesNotContain(API_KEY, ENDPOINT_TOKEN, REGISTRY_PASSWORD, OSS_SECRET);
            for (HttpHeader header : request.getHeaders().all()) {
                if (!header.keyEquals("OPEN-SANDBOX-API-KEY")) {
                    softly.assertThat(header.values())
                            .as(call + " header " + header.key())
                            .noneMatch(value -> value.contains(API_KEY));
                }
                if (!header.keyEquals("X-Endpoint-Token")) {
                    softly.assertThat(header.values())
                            .as(call + " header " + header.key())
                            .noneMatch(value -> value.contains(ENDPOINT_TOKEN)
                                    || value.contains(REGISTRY_PASSWORD)
                                    || value.contains(OSS_SECRET));
                }
            }
            softly.assertThat(request.getHeader("Authorization")).as(call).isNull();
            softly.assertThat(request.getHeader("Cookie")).as(call).isNull();
            if (request.getUrl().startsWith("/v1/")) {
                lifecycleCalls.add(call);
                softly.assertThat(request.getHeader("OPEN-SANDBOX-API-KEY"))
                        .as(call)
                        .isEqualTo(API_KEY);
                softly.assertThat(request.getHeader("Accept")).as(call).isEqualTo("application/json");
                softly.assertThat(request.getHeader("X-Endpoint-Token"))
                        .as(call)
                        .isNull();
                if (!call.equals("POST /v1/sandboxes")) {
                    softly.assertThat(request.getBodyAsString()).as(call).doesNotContain(REGISTRY_PASSWORD, OSS_SECRET);
                }
            } else {
                softly.assertThat(request.getUrl()).startsWith("/proxy/" + ID + "/");
                softly.assertThat(request.getHeader("X-Endpoint-Token"))
                        .as(call)
                        .isEqualTo(ENDPOINT_TOKEN);
                softly.assertThat(request.containsHeader("OPEN-SANDBOX-API-KEY"))
                        .as(call)
                        .isFalse();
            }
        }
        softly.assertAll();
        String base = "/v1/sandboxes/" + ID;
        assertThat(lifecycleCalls)
                .containsExactlyInAnyOrder(
                        "POST /v1/sandboxes",
                        "GET /v1/sandboxes",
                        "GET " + base,
                        "DELETE " + base,
                        "POST " + base + "/pause",
                        "POST " + base + "/resume",
                        "POST " + base + "/renew-expiration",
                        "GET " + base + "/endpoints/44772",
                        "GET " + base + "/endpoints/8080",
                        "PATCH " + base + "/metadata",
                        "POST " + base + "/snapshots",
                        "GET " + base + "/diagnostics/logs",
                        "GET " + base + "/diagnostics/events",
                        "GET /v1/snapshots",
                        "GET /v1/snapshots/snap-1",
                        "DELETE /v1/snapshots/snap-1");
        assertThat(requests).anyMatch(request -> request.getUrl().startsWith("/proxy/"));
    }
}
