package io.opensandbox.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.opensandbox.lifecycle.WireTestSupport.API_KEY;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.sandboxJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.testing.SpecSchemas;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
class SandboxManagerWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static String page(String items, int page, boolean hasNext) {
        return "{\"items\":[" + items + "],\"pagination\":{\"page\":" + page + ",\"pageSize\":2,\"totalItems\":3,"
                + "\"totalPages\":2,\"hasNextPage\":" + hasNext + "}}";
    }

    @Test
    void list_encodesStatesAndMetadataSoThatSpecialCharactersSurvive() {
        server.stubFor(
                get(urlPathEqualTo("/v1/sandboxes")).willReturn(okJson(page(sandboxJson("a", "Running"), 1, false))));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            Page<SandboxInfo> page = manager.listSandboxInfos(SandboxFilter.builder()
                    .states(SandboxState.RUNNING, SandboxState.PAUSED)
                    .metadata("note", "a&b=c+d%e f")
                    .metadata("team", "t1")
                    .pageSize(50)
                    .build());
            assertThat(page.items()).extracting(SandboxInfo::id).containsExactly("a");
            assertThat(page.pagination().totalItems()).isEqualTo(3);
        }

        String url = server.getAllServeEvents().get(0).getRequest().getUrl();
        assertThat(url)
                .startsWith("/v1/sandboxes?state=Running&state=Paused&metadata=")
                .endsWith("&page=1&pageSize=50");
        String metadata = url.replaceAll(".*metadata=([^&]*)&.*", "$1");
        // what the server sees after URL-decoding the parameter, then form-decoding each pair (parse_qsl)
        String once = URLDecoder.decode(metadata.replace("+", "%2B"), StandardCharsets.UTF_8);
        List<String> pairs = List.of(once.split("&"));
        assertThat(pairs).hasSize(2);
        assertThat(pairs.stream()
                        .map(pair -> URLDecoder.decode(pair, StandardCharsets.UTF_8))
                        .collect(Collectors.toList()))
                .containsExactly("note=a&b=c+d%e f", "team=t1");
        assertThat(pairs.get(0)).isEqualTo("note=a%26b%3Dc%2Bd%25e+f");
    }

    @Test
    void streamSandboxInfos_walksEveryPage() {
        server.stubFor(get(urlEqualTo("/v1/sandboxes?page=1&pageSize=2"))
                .willReturn(okJson(page(sandboxJson("a", "Running") + "," + sandboxJson("b", "Paused"), 1, true))));
        server.stubFor(get(urlEqualTo("/v1/sandboxes?page=2&pageSize=2"))
                .willReturn(okJson(page(sandboxJson("c", "Failed"), 2, false))));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            List<String> ids = manager.streamSandboxInfos(
                            SandboxFilter.builder().pageSize(2).build())
                    .map(SandboxInfo::id)
                    .collect(Collectors.toList());
            assertThat(ids).containsExactly("a", "b", "c");
        }
    }

    @Test
    void adminCalls_byId() {
        server.stubFor(get("/v1/sandboxes/x").willReturn(okJson(sandboxJson("x", "Paused"))));
        server.stubFor(delete("/v1/sandboxes/x").willReturn(aResponse().withStatus(204)));
        server.stubFor(post("/v1/sandboxes/x/pause").willReturn(aResponse().withStatus(202)));
        server.stubFor(post("/v1/sandboxes/x/resume").willReturn(aResponse().withStatus(202)));
        server.stubFor(post("/v1/sandboxes/x/renew-expiration")
                .willReturn(okJson("{\"expiresAt\":\"2031-01-01T00:00:00Z\"}")));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThat(manager.getSandboxInfo("x").state()).isEqualTo(SandboxState.PAUSED);
            manager.pauseSandbox("x");
            manager.resumeSandbox("x");
            assertThat(manager.renewSandbox("x", Duration.ofHours(1))).hasToString("2031-01-01T00:00:00Z");
            manager.killSandbox("x");
            assertThatThrownBy(() -> manager.getSandboxInfo(" ")).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> manager.renewSandbox("x", Duration.ofSeconds(-1)))
                    .isInstanceOf(InvalidArgumentException.class);
        }

        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes/x/pause")));
        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes/x/resume")));
        server.verify(
                deleteRequestedFor(urlEqualTo("/v1/sandboxes/x")).withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY)));
    }

    @Test
    void sandboxIds_areEncodedAsOnePathSegment() {
        server.stubFor(get("/v1/sandboxes/a%2Fb%20c").willReturn(okJson(sandboxJson("a/b c", "Running"))));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThat(manager.getSandboxInfo("a/b c").id()).isEqualTo("a/b c");
        }
    }

    @Test
    void snapshots_listGetDeleteAndWait() {
        String creating =
                "{\"id\":\"s1\",\"sandboxId\":\"x\",\"status\":{\"state\":\"Creating\"},\"createdAt\":\"2026-11-27T07:00:00Z\"}";
        String ready = creating.replace("Creating", "Ready");
        server.stubFor(get(urlPathEqualTo("/v1/snapshots"))
                .willReturn(okJson("{\"items\":[" + ready + "],\"pagination\":{\"page\":1,\"pageSize\":20,"
                        + "\"totalItems\":1,\"totalPages\":1,\"hasNextPage\":false}}")));
        server.stubFor(get("/v1/snapshots/s1")
                .inScenario("capture")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(creating))
                .willSetStateTo("ready"));
        server.stubFor(get("/v1/snapshots/s1")
                .inScenario("capture")
                .whenScenarioStateIs("ready")
                .willReturn(okJson(ready)));
        server.stubFor(delete("/v1/snapshots/s1").willReturn(aResponse().withStatus(204)));
        server.stubFor(post("/v1/sandboxes/x/snapshots")
                .willReturn(aResponse()
                        .withStatus(202)
                        .withHeader("Content-Type", "application/json")
                        .withBody(creating)));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThat(manager.createSnapshot("x", null).id()).isEqualTo("s1");
            Page<SnapshotInfo> page = manager.listSnapshots(SnapshotFilter.builder()
                    .sandboxId("x")
                    .states(SnapshotState.READY, SnapshotState.FAILED)
                    .build());
            assertThat(page.items()).extracting(SnapshotInfo::state).containsExactly(SnapshotState.READY);
            assertThat(manager.waitForSnapshot("s1", Duration.ofSeconds(10)).state())
                    .isEqualTo(SnapshotState.READY);
            manager.deleteSnapshot("s1");
        }

        server.verify(
                getRequestedFor(urlEqualTo("/v1/snapshots?sandboxId=x&state=Ready&state=Failed&page=1&pageSize=20")));
        server.verify(deleteRequestedFor(urlEqualTo("/v1/snapshots/s1")));
        assertThat(server.getAllServeEvents().stream()
                        .filter(e -> e.getRequest().getUrl().equals("/v1/sandboxes/x/snapshots"))
                        .findFirst()
                        .orElseThrow()
                        .getRequest()
                        .getBodyAsString())
                .isEmpty();
    }

    @Test
    void errors_ofEveryShape_becomeTypedExceptions() {
        server.stubFor(get("/v1/sandboxes/v")
                .willReturn(aResponse()
                        .withStatus(422)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"detail\":[{\"loc\":[\"path\",\"id\"],\"msg\":\"bad id\"}]}")));
        server.stubFor(get("/v1/sandboxes/h")
                .willReturn(aResponse()
                        .withStatus(502)
                        .withBody("<html><title>502 Bad Gateway</title><body>nginx</body></html>")));
        server.stubFor(get("/v1/sandboxes/a")
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("X-REQUEST-ID", "r-1")
                        .withBody("{\"code\":\"INVALID_API_KEY\",\"message\":\"bad key\"}")));
        server.stubFor(get("/v1/sandboxes/r")
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "3")
                        .withBody("slow down")));
        server.stubFor(delete("/v1/snapshots/c")
                .willReturn(aResponse()
                        .withStatus(409)
                        .withBody("{\"code\":\"SNAPSHOT::BUSY\",\"message\":\"still creating\"}")));
        server.stubFor(get("/v1/sandboxes/j").willReturn(okJson("{not json")));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThatThrownBy(() -> manager.getSandboxInfo("v"))
                    .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(422);
                        assertThat(e.error().message()).isEqualTo("path.id: bad id");
                    });
            assertThatThrownBy(() -> manager.getSandboxInfo("h"))
                    .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(502);
                        assertThat(e.error().message()).contains("502 Bad Gateway");
                        assertThat(e.isRetryable()).isTrue();
                    });
            assertThatThrownBy(() -> manager.getSandboxInfo("a"))
                    .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                        assertThat(e.error().code()).isEqualTo("INVALID_API_KEY");
                        assertThat(e.requestId()).contains("r-1");
                        assertThat(e.getMessage()).doesNotContain(API_KEY);
                    });
            assertThatThrownBy(() -> manager.getSandboxInfo("r"))
                    .isInstanceOfSatisfying(
                            RateLimitedException.class,
                            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(3)));
            assertThatThrownBy(() -> manager.deleteSnapshot("c")).isInstanceOf(ConflictException.class);
            assertThatThrownBy(() -> manager.getSandboxInfo("j"))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("UNEXPECTED_RESPONSE");
        }
    }

    @Test
    void debugLogging_showsRequestsButNeverTheApiKey() {
        server.stubFor(get("/v1/sandboxes/d")
                .willReturn(okJson(sandboxJson("d", "Running")).withHeader("X-Request-ID", "rq-7")));
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (SandboxManager manager =
                SandboxManager.create(config(server).toBuilder().debug(true).build())) {
            manager.getSandboxInfo("d");
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log)
                .contains("GET http://127.0.0.1:" + server.getPort() + "/v1/sandboxes/d")
                .contains("OPEN-SANDBOX-API-KEY=<redacted>")
                .contains("rq-7")
                .doesNotContain(API_KEY);
    }
    /** The only request the server saw. */
    private static LoggedRequest onlyRequest() {
        assertThat(server.getAllServeEvents()).hasSize(1);
        return server.getAllServeEvents().get(0).getRequest();
    }

    @Test
    void patchSandboxMetadata_sendsAMergePatchTheSpecAcceptsAndReturnsTheSandboxAfterwards() {
        String after = "{\"id\":\"m-1\",\"image\":{\"uri\":\"python:3.12\"},\"status\":{\"state\":\"Running\"},"
                + "\"metadata\":{\"team\":\"b\",\"owner\":\"me\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
                + "\"expiresAt\":\"2026-11-27T07:10:00Z\",\"createdAt\":\"2026-11-27T07:00:00Z\"}";
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "Sandbox", after.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        server.stubFor(patch(urlPathEqualTo("/v1/sandboxes/m-1/metadata")).willReturn(okJson(after)));
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put("team", "b");
        changes.put("owner", "me");
        changes.put("obsolete", null);

        SandboxInfo info;
        try (SandboxManager manager = SandboxManager.create(config(server))) {
            info = manager.patchSandboxMetadata("m-1", changes);
        }

        assertThat(info.id()).isEqualTo("m-1");
        assertThat(info.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(info.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "b", "owner", "me"));
        assertThat(info.image()).contains("python:3.12");
        assertThat(info.expiresAt()).contains(Instant.parse("2026-11-27T07:10:00Z"));
        LoggedRequest request = onlyRequest();
        assertThat(request.getMethod().getName()).isEqualTo("PATCH");
        assertThat(request.getUrl()).isEqualTo("/v1/sandboxes/m-1/metadata");
        server.verify(patchRequestedFor(urlEqualTo("/v1/sandboxes/m-1/metadata"))
                .withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"team\":\"b\",\"owner\":\"me\",\"obsolete\":null}")));
        assertThat(request.getBodyAsString()).contains("\"obsolete\":null");
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "PatchSandboxMetadataRequest", request.getBody()))
                .isEmpty();
    }

    @Test
    void patchSandboxMetadata_withNoChanges_sendsAnEmptyObject() {
        server.stubFor(
                patch(urlPathEqualTo("/v1/sandboxes/m-2/metadata")).willReturn(okJson(sandboxJson("m-2", "Paused"))));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThat(manager.patchSandboxMetadata("m-2", Map.of()).metadata()).containsEntry("team", "a");
        }

        LoggedRequest request = onlyRequest();
        assertThat(request.getBodyAsString()).isEqualTo("{}");
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "PatchSandboxMetadataRequest", request.getBody()))
                .isEmpty();
    }

    @Test
    void patchSandboxMetadata_refusesReservedAndBlankKeysBeforeAnyRequest_andMapsServerErrors() {
        server.stubFor(patch(urlPathEqualTo("/v1/sandboxes/m-3/metadata"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX::NOT_FOUND\",\"message\":\"sandbox m-3 not found\"}")));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThatThrownBy(() -> manager.patchSandboxMetadata("m-3", Map.of("opensandbox.io/owner", "x")))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("reserved prefix");
            assertThatThrownBy(() -> manager.patchSandboxMetadata("m-3", Map.of(" ", "x")))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> manager.patchSandboxMetadata(" ", Map.of("a", "b")))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThat(server.getAllServeEvents()).isEmpty();

            assertThatThrownBy(() -> manager.patchSandboxMetadata("m-3", Map.of("a", "b")))
                    .isInstanceOfSatisfying(
                            io.opensandbox.api.NotFoundException.class,
                            e -> assertThat(e.error().code()).isEqualTo("SANDBOX::NOT_FOUND"));
        }
    }

    @Test
    void getDiagnosticLogs_sendsTheScopeAndMapsAnInlineDescriptor() {
        String inline = "{\"sandboxId\":\"d-1\",\"kind\":\"logs\",\"scope\":\"container\",\"delivery\":\"inline\","
                + "\"contentType\":\"text/plain; charset=utf-8\",\"content\":\"execd started\\nready\\n\","
                + "\"contentLength\":20,\"truncated\":true,\"warnings\":[\"older lines dropped\"]}";
        assertThat(SpecSchemas.violations(
                        "diagnostic-api.yml", "DiagnosticContentResponse", inline.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/d-1/diagnostics/logs")).willReturn(okJson(inline)));

        DiagnosticContent logs;
        try (SandboxManager manager = SandboxManager.create(config(server))) {
            logs = manager.getDiagnosticLogs("d-1", " container ");
        }

        assertThat(logs.sandboxId()).isEqualTo("d-1");
        assertThat(logs.kind()).isEqualTo("logs");
        assertThat(logs.scope()).isEqualTo("container");
        assertThat(logs.delivery()).isEqualTo("inline");
        assertThat(logs.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(logs.content()).contains("execd started\nready\n");
        assertThat(logs.contentUrl()).isEmpty();
        assertThat(logs.contentLength()).hasValue(20);
        assertThat(logs.urlExpiresAt()).isNull();
        assertThat(logs.truncated()).isTrue();
        assertThat(logs.warnings()).containsExactly("older lines dropped");
        LoggedRequest request = onlyRequest();
        assertThat(request.getMethod().getName()).isEqualTo("GET");
        assertThat(request.getUrl()).isEqualTo("/v1/sandboxes/d-1/diagnostics/logs?scope=container");
        assertThat(request.getBody()).isEmpty();
        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/d-1/diagnostics/logs?scope=container"))
                .withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", absent()));
    }

    @Test
    void getDiagnosticEvents_encodesTheScopeAndMapsAUrlDescriptor() {
        String byUrl = "{\"sandboxId\":\"d/2\",\"kind\":\"events\",\"scope\":\"net work&all\",\"delivery\":\"url\","
                + "\"contentType\":\"text/plain; charset=utf-8\",\"contentUrl\":\"https://example.com/d/events.txt\","
                + "\"contentLength\":10485760,\"expiresAt\":\"2026-04-14T10:30:00Z\",\"truncated\":false}";
        assertThat(SpecSchemas.violations(
                        "diagnostic-api.yml", "DiagnosticContentResponse", byUrl.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        server.stubFor(
                get(urlPathMatching("/v1/sandboxes/.*/diagnostics/events")).willReturn(okJson(byUrl)));

        DiagnosticContent events;
        try (SandboxManager manager = SandboxManager.create(config(server))) {
            events = manager.getDiagnosticEvents("d/2", "net work&all");
        }

        assertThat(events.kind()).isEqualTo("events");
        assertThat(events.delivery()).isEqualTo("url");
        assertThat(events.content()).isEmpty();
        assertThat(events.contentUrl()).contains("https://example.com/d/events.txt");
        assertThat(events.contentLength()).hasValue(10_485_760L);
        assertThat(events.urlExpiresAt()).isEqualTo(Instant.parse("2026-04-14T10:30:00Z"));
        assertThat(events.truncated()).isFalse();
        assertThat(events.warnings()).isEmpty();
        LoggedRequest request = onlyRequest();
        assertThat(request.getMethod().getName()).isEqualTo("GET");
        assertThat(request.getUrl()).isEqualTo("/v1/sandboxes/d%2F2/diagnostics/events?scope=net%20work%26all");
        assertThat(request.queryParameter("scope").firstValue()).isEqualTo("net work&all");
        assertThat(request.getHeader("OPEN-SANDBOX-API-KEY")).isEqualTo(API_KEY);
        assertThat(request.getHeader("Accept")).isEqualTo("application/json");
    }

    @Test
    void diagnostics_needAScopeAndMapServerErrors() {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/d-3/diagnostics/logs"))
                .willReturn(aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"DIAGNOSTICS::NOT_IMPLEMENTED\",\"message\":\"no diagnostics here\"}")));

        try (SandboxManager manager = SandboxManager.create(config(server))) {
            assertThatThrownBy(() -> manager.getDiagnosticLogs("d-3", " "))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("scope is required");
            assertThatThrownBy(() -> manager.getDiagnosticEvents("d-3", ""))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThat(server.getAllServeEvents()).isEmpty();

            assertThatThrownBy(() -> manager.getDiagnosticLogs("d-3", "all"))
                    .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(501);
                        assertThat(e.error().code()).isEqualTo("DIAGNOSTICS::NOT_IMPLEMENTED");
                    });
        }
    }
}
