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
import static io.opensandbox.lifecycle.WireTestSupport.API_KEY;
import static io.opensandbox.lifecycle.WireTestSupport.ENDPOINT_TOKEN;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.sandboxJson;
import static io.opensandbox.lifecycle.WireTestSupport.stubExecd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxReadyTimeoutException;
import io.opensandbox.api.testing.SpecSchemas;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
class SandboxWireTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static void stubCreate(String id) {
        server.stubFor(post("/v1/sandboxes")
                .willReturn(aResponse()
                        .withStatus(202)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("Location", "/v1/sandboxes/" + id)
                        .withBody("{\"id\":\"" + id + "\",\"status\":{\"state\":\"Pending\"},\"entrypoint\":[\"tail\"],"
                                + "\"createdAt\":\"2026-11-27T07:00:00Z\",\"someFutureField\":{\"x\":1}}")));
    }

    /** The requests to exactly this URL, oldest first. */
    private static List<LoggedRequest> requestsTo(String url) {
        List<LoggedRequest> requests = new java.util.ArrayList<>(server.getAllServeEvents().stream()
                .map(event -> event.getRequest())
                .filter(request -> request.getUrl().equals(url))
                .map(LoggedRequest.class::cast)
                .toList());
        java.util.Collections.reverse(requests);
        return requests;
    }

    @Test
    void create_sendsTheSeedDefaultsAndWaitsForExecdPing() {
        stubCreate("sb-1");
        stubExecd(server, "sb-1");

        try (Sandbox sandbox = Sandbox.builder()
                .image("python:3.12")
                .connectionConfig(config(server))
                .create()) {
            assertThat(sandbox.id()).isEqualTo("sb-1");
        }

        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes"))
                .withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"image\":{\"uri\":\"python:3.12\"},\"timeout\":600,"
                        + "\"resourceLimits\":{\"cpu\":\"1\",\"memory\":\"2Gi\"},"
                        + "\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]}")));
        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/sb-1/endpoints/44772?use_server_proxy=false"))
                .withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY)));
        server.verify(getRequestedFor(urlEqualTo("/proxy/sb-1/44772/ping"))
                .withHeader("X-Endpoint-Token", equalTo(ENDPOINT_TOKEN))
                .withHeader("OPEN-SANDBOX-API-KEY", absent()));
        byte[] body = requestsTo("/v1/sandboxes").get(0).getBody();
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "CreateSandboxRequest", body))
                .isEmpty();
    }

    @Test
    void create_withEveryOption_sendsABodyTheSpecAccepts() {
        stubCreate("sb-2");
        stubExecd(server, "sb-2");

        Sandbox.builder()
                .image(ImageSpec.of("registry.example/app:1", "robot", "registry-password"))
                .timeout(Duration.ofMinutes(30))
                .entrypoint("python", "-m", "http.server")
                .resources(Map.of("cpu", "500m", "memory", "512Mi"))
                .env("DEBUG", "1")
                .metadata("team", "agents")
                .networkPolicy(NetworkPolicy.denyByDefault(EgressRule.allow("pypi.org")))
                .credentialProxy(true)
                .extension("access.renew.extend.seconds", "600")
                .secureAccess(true)
                .platform(Platform.LINUX_ARM64)
                .volume(Volume.builder("data", "/data")
                        .host("/srv/data")
                        .readOnly(true)
                        .build())
                .volume(Volume.builder("cache", "/cache")
                        .pvc("shared-cache")
                        .subPath("v1")
                        .build())
                .connectionConfig(config(server))
                .create()
                .close();

        byte[] body = requestsTo("/v1/sandboxes").get(0).getBody();
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "CreateSandboxRequest", body))
                .isEmpty();
        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes"))
                .withRequestBody(equalToJson("{\"image\":{\"uri\":\"registry.example/app:1\",\"auth\":{\"username\":"
                        + "\"robot\",\"password\":\"registry-password\"}},\"timeout\":1800,"
                        + "\"resourceLimits\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"},\"env\":{\"DEBUG\":\"1\"},"
                        + "\"metadata\":{\"team\":\"agents\"},\"entrypoint\":[\"python\",\"-m\",\"http.server\"],"
                        + "\"networkPolicy\":{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\","
                        + "\"target\":\"pypi.org\"}]},\"credentialProxy\":{\"enabled\":true},\"secureAccess\":true,"
                        + "\"platform\":{\"os\":\"linux\",\"arch\":\"arm64\"},\"volumes\":[{\"name\":\"data\","
                        + "\"mountPath\":\"/data\",\"readOnly\":true,\"host\":{\"path\":\"/srv/data\"}},"
                        + "{\"name\":\"cache\",\"mountPath\":\"/cache\",\"subPath\":\"v1\",\"pvc\":{\"claimName\":"
                        + "\"shared-cache\",\"createIfNotExists\":true,\"deleteOnSandboxTermination\":false}}],"
                        + "\"extensions\":{\"access.renew.extend.seconds\":\"600\"}}")));
    }

    @Test
    void create_withAnOssfsVolume_sendsItsCredentialsInABodyTheSpecAccepts_andPrintsNoSecret() {
        stubCreate("sb-oss");
        stubExecd(server, "sb-oss");
        String secret = "oss-secret-789";
        Volume bucket = Volume.builder("models", "/models")
                .subPath("team/a")
                .readOnly(true)
                .backend(new Volume.Ossfs(
                        "my-bucket",
                        "oss-cn-hangzhou.aliyuncs.com",
                        "1.0",
                        List.of("allow_other", "max_stat_cache_size=0"),
                        "LTAI-key-id",
                        secret))
                .build();
        ImageSpec image = ImageSpec.of("registry.example/app:1", "robot", "registry-password");

        try (Sandbox sandbox = Sandbox.builder()
                .image(image)
                .volume(bucket)
                .connectionConfig(config(server))
                .create()) {
            assertThat(sandbox.toString()).doesNotContain(secret, "registry-password", API_KEY, ENDPOINT_TOKEN);
        }

        byte[] body = requestsTo("/v1/sandboxes").get(0).getBody();
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "CreateSandboxRequest", body))
                .isEmpty();
        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes"))
                .withRequestBody(equalToJson(
                        "{\"volumes\":[{\"name\":\"models\",\"mountPath\":\"/models\",\"readOnly\":true,"
                                + "\"subPath\":\"team/a\",\"ossfs\":{\"bucket\":\"my-bucket\","
                                + "\"endpoint\":\"oss-cn-hangzhou.aliyuncs.com\",\"version\":\"1.0\","
                                + "\"options\":[\"allow_other\",\"max_stat_cache_size=0\"],"
                                + "\"accessKeyId\":\"LTAI-key-id\",\"accessKeySecret\":\"" + secret + "\"}}]}",
                        false,
                        true)));
        assertThat(bucket.toString())
                .contains("my-bucket", "LTAI-key-id", "<redacted>")
                .doesNotContain(secret);
        assertThat(bucket.backend().toString()).doesNotContain(secret);
        assertThat(image.toString()).contains("robot").doesNotContain("registry-password");
        // the secret reaches the wire only in the create body: never in a URL or header
        server.getAllServeEvents().forEach(event -> {
            assertThat(event.getRequest().getUrl()).doesNotContain(secret);
            assertThat(event.getRequest().getHeaders().all().toString()).doesNotContain(secret, "registry-password");
        });
    }

    @Test
    void create_withAnOssfsVolumeWithoutOptions_leavesOptionsOutAndStaysValid() {
        stubCreate("sb-oss2");
        stubExecd(server, "sb-oss2");

        Sandbox.builder()
                .image("python:3.12")
                .volume(Volume.builder("data", "/data")
                        .backend(new Volume.Ossfs("bkt", "oss.example", "2.0", List.of(), "id", "secret"))
                        .build())
                .skipHealthCheck(true)
                .connectionConfig(config(server))
                .create()
                .close();

        byte[] body = requestsTo("/v1/sandboxes").get(0).getBody();
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "CreateSandboxRequest", body))
                .isEmpty();
        assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"ossfs\":{\"bucket\":\"bkt\",\"endpoint\":\"oss.example\",\"version\":\"2.0\","
                        + "\"accessKeyId\":\"id\",\"accessKeySecret\":\"secret\"}")
                .doesNotContain("options", "readOnly", "subPath", "host", "pvc");
    }

    @Test
    void create_withManualCleanup_sendsAnExplicitNullTimeout() {
        stubCreate("sb-3");
        stubExecd(server, "sb-3");

        Sandbox.builder()
                .image("python:3.12")
                .manualCleanup()
                .skipHealthCheck(true)
                .connectionConfig(config(server))
                .create()
                .close();

        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes"))
                .withRequestBody(equalToJson("{\"timeout\":null}", true, true)));
        byte[] body = requestsTo("/v1/sandboxes").get(0).getBody();
        assertThat(new String(body)).contains("\"timeout\":null");
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "CreateSandboxRequest", body))
                .isEmpty();
        server.verify(0, getRequestedFor(urlEqualTo("/proxy/sb-3/44772/ping")));
    }

    @Test
    void create_fromSnapshot_sendsSnapshotIdAndNoImage() {
        stubCreate("sb-4");
        stubExecd(server, "sb-4");

        Sandbox.builder()
                .snapshotId("snap-1")
                .connectionConfig(config(server))
                .create()
                .close();

        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes"))
                .withRequestBody(equalToJson("{\"snapshotId\":\"snap-1\"}", true, true)));
        assertThat(new String(requestsTo("/v1/sandboxes").get(0).getBody())).doesNotContain("image");
    }

    @Test
    void create_whenNeverReady_killsTheSandboxAndExplainsWhatToTry() {
        stubCreate("sb-5");
        stubExecd(server, "sb-5");
        server.stubFor(get("/proxy/sb-5/44772/ping").willReturn(aResponse().withStatus(503)));
        server.stubFor(delete("/v1/sandboxes/sb-5").willReturn(aResponse().withStatus(204)));

        assertThatThrownBy(() -> Sandbox.builder()
                        .image("python:3.12")
                        .readyTimeout(Duration.ofMillis(1500))
                        .healthCheckPollingInterval(Duration.ofMillis(400))
                        .connectionConfig(config(server))
                        .create())
                .isInstanceOf(SandboxReadyTimeoutException.class)
                .hasMessageContaining("sb-5")
                .hasMessageContaining("domain 127.0.0.1:" + server.getPort())
                .hasMessageContaining("useServerProxy false")
                .hasMessageContaining("health checks")
                .hasMessageContaining("HTTP 503")
                .hasMessageNotContaining(API_KEY);

        server.verify(deleteRequestedFor(urlEqualTo("/v1/sandboxes/sb-5")));
    }

    @Test
    void create_rejectsInvalidDescriptionsBeforeAnyRequest() {
        ConnectionConfig config = config(server);
        assertThatThrownBy(() -> Sandbox.builder().connectionConfig(config).create())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("exactly one of an image or a snapshot id");
        assertThatThrownBy(() -> Sandbox.builder()
                        .image("a")
                        .snapshotId("s")
                        .connectionConfig(config)
                        .create())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("both were set");
        // the lifecycle server refuses it (schema.py: "credentialProxy.enabled requires networkPolicy.")
        assertThatThrownBy(() -> Sandbox.builder()
                        .image("a")
                        .credentialProxy(true)
                        .connectionConfig(config)
                        .create())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("networkPolicy");
        assertThatThrownBy(() -> Sandbox.builder().metadata("opensandbox.io/owner", "x"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("reserved prefix");
        assertThatThrownBy(() -> Sandbox.builder().timeout(Duration.ofSeconds(59)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Volume.builder("v", "/v").host("/a").pvc("c"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("exactly one");
        assertThatThrownBy(() -> Volume.builder("v", "/v").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no backend");
        assertThatThrownBy(() -> Volume.builder("Bad_Name", "/v").host("/a").build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Volume.builder("v", "relative").host("/a").build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Volume.builder("v", "/v").host("relative/path"))
                .isInstanceOf(InvalidArgumentException.class);

        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void connect_toUnknownSandbox_failsWithNotFoundAndKillsNothing() {
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/nope/endpoints/44772"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("x-request-id", "req-404")
                        .withBody("{\"code\":\"SANDBOX::NOT_FOUND\",\"message\":\"sandbox nope not found\"}")));

        assertThatThrownBy(() -> Sandbox.connect("nope", config(server)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.error().code()).isEqualTo("SANDBOX::NOT_FOUND");
                    assertThat(e.requestId()).contains("req-404");
                });
        server.verify(0, deleteRequestedFor(urlPathEqualTo("/v1/sandboxes/nope")));
    }

    @Test
    void getInfo_toleratesUnknownStatesAndFieldsAndReadsTimestamps() {
        stubExecd(server, "sb-6");
        server.stubFor(get("/v1/sandboxes/sb-6").willReturn(okJson(sandboxJson("sb-6", "Hibernating"))));

        try (Sandbox sandbox = Sandbox.connect("sb-6", config(server))) {
            SandboxInfo info = sandbox.getInfo();

            assertThat(info.state()).isEqualTo(SandboxState.UNKNOWN);
            assertThat(info.status().rawState()).isEqualTo("Hibernating");
            assertThat(info.status().lastTransitionAt()).contains(Instant.parse("2026-11-27T07:00:00.123456Z"));
            assertThat(info.expiresAt()).contains(Instant.parse("2026-11-27T07:10:00Z"));
            assertThat(info.image()).contains("python:3.12");
            assertThat(info.metadata()).containsEntry("team", "a");
        }
    }

    @Test
    void lifecycleCalls_useTheDocumentedPathsAndBodies() {
        stubExecd(server, "sb-7");
        server.stubFor(post("/v1/sandboxes/sb-7/pause").willReturn(aResponse().withStatus(202)));
        server.stubFor(post("/v1/sandboxes/sb-7/renew-expiration")
                .willReturn(okJson("{\"expiresAt\":\"2030-01-01T00:00:00+00:00\"}")));
        server.stubFor(
                patch(urlEqualTo("/v1/sandboxes/sb-7/metadata")).willReturn(okJson(sandboxJson("sb-7", "Running"))));
        server.stubFor(delete("/v1/sandboxes/sb-7").willReturn(aResponse().withStatus(204)));

        try (Sandbox sandbox = Sandbox.connect("sb-7", config(server))) {
            sandbox.pause();
            assertThat(sandbox.renew(Duration.ofMinutes(5))).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
            Map<String, String> patch = new HashMap<>();
            patch.put("team", "b");
            patch.put("gone", null);
            assertThat(sandbox.patchMetadata(patch).id()).isEqualTo("sb-7");
            assertThatThrownBy(() -> sandbox.patchMetadata(Map.of("opensandbox.io/x", "y")))
                    .isInstanceOf(InvalidArgumentException.class);
            sandbox.kill();
        }

        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes/sb-7/pause"))
                .withHeader("OPEN-SANDBOX-API-KEY", equalTo(API_KEY)));
        LoggedRequest renew = requestsTo("/v1/sandboxes/sb-7/renew-expiration").get(0);
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "RenewSandboxExpirationRequest", renew.getBody()))
                .isEmpty();
        String expiresAt = renew.getBodyAsString().replaceAll(".*\"expiresAt\":\"([^\"]+)\".*", "$1");
        assertThat(Instant.parse(expiresAt))
                .isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(310));
        server.verify(patchRequestedFor(urlEqualTo("/v1/sandboxes/sb-7/metadata"))
                .withRequestBody(equalToJson("{\"team\":\"b\",\"gone\":null}")));
        assertThat(SpecSchemas.violations(
                        "sandbox-lifecycle.yml",
                        "PatchSandboxMetadataRequest",
                        requestsTo("/v1/sandboxes/sb-7/metadata").get(0).getBody()))
                .isEmpty();
        server.verify(deleteRequestedFor(urlEqualTo("/v1/sandboxes/sb-7")));
    }

    @Test
    void resume_reResolvesEndpointsAndReturnsANewInstance() {
        stubExecd(server, "sb-8");
        server.stubFor(post("/v1/sandboxes/sb-8/resume").willReturn(aResponse().withStatus(202)));

        try (Sandbox sandbox = Sandbox.connect("sb-8", config(server));
                Sandbox resumed = sandbox.resume()) {
            assertThat(resumed).isNotSameAs(sandbox);
            assertThat(resumed.id()).isEqualTo("sb-8");
        }

        server.verify(postRequestedFor(urlEqualTo("/v1/sandboxes/sb-8/resume")));
        server.verify(2, getRequestedFor(urlPathEqualTo("/v1/sandboxes/sb-8/endpoints/44772")));
    }

    @Test
    void endpoints_honourServerProxyAndSignedForms() {
        stubExecd(server, "sb-9");
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-9/endpoints/8080"))
                .willReturn(okJson("{\"endpoint\":\"gw.example/sandboxes/sb-9/port/8080\",\"headers\":{}}")));
        ConnectionConfig proxied =
                config(server).toBuilder().useServerProxy(true).build();

        try (Sandbox sandbox =
                Sandbox.connector("sb-9").connectionConfig(proxied).connect()) {
            assertThat(sandbox.getEndpointUrl(8080)).isEqualTo("http://gw.example/sandboxes/sb-9/port/8080");
            Endpoint signed = sandbox.getSignedEndpoint(8080, Instant.ofEpochSecond(4_000_000_000L));
            assertThat(signed.address()).isEqualTo("gw.example/sandboxes/sb-9/port/8080");
            assertThatThrownBy(() -> sandbox.getEndpoint(0)).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> sandbox.getEndpoint(65536)).isInstanceOf(InvalidArgumentException.class);
        }

        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/sb-9/endpoints/44772?use_server_proxy=true")));
        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/sb-9/endpoints/8080?use_server_proxy=true")));
        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/sb-9/endpoints/8080?expires=4000000000")));
    }

    @Test
    void snapshotsAndDiagnostics_ofASandbox() {
        stubExecd(server, "sb-10");
        server.stubFor(
                post("/v1/sandboxes/sb-10/snapshots")
                        .willReturn(
                                aResponse()
                                        .withStatus(202)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"id\":\"snap-9\",\"sandboxId\":\"sb-10\",\"name\":\"before\",\"status\":{\"state\":"
                                                        + "\"Creating\",\"reason\":\"snapshot_accepted\"},\"createdAt\":\"2026-11-27T07:00:00Z\"}")));
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-10/diagnostics/logs"))
                .willReturn(okJson("{\"sandboxId\":\"sb-10\",\"kind\":\"logs\",\"scope\":\"container\","
                        + "\"delivery\":\"inline\",\"contentType\":\"text/plain\",\"content\":\"booted\","
                        + "\"truncated\":false}")));
        server.stubFor(get(urlPathEqualTo("/v1/sandboxes/sb-10/diagnostics/events"))
                .willReturn(okJson("{\"sandboxId\":\"sb-10\",\"kind\":\"events\",\"scope\":\"all\","
                        + "\"delivery\":\"url\",\"contentType\":\"text/plain\",\"contentUrl\":\"https://x/y\","
                        + "\"expiresAt\":\"2026-11-27T08:00:00Z\",\"truncated\":true,\"warnings\":[\"partial\"]}")));

        try (Sandbox sandbox = Sandbox.connect("sb-10", config(server))) {
            SnapshotInfo snapshot = sandbox.createSnapshot("before");
            assertThat(snapshot.state()).isEqualTo(SnapshotState.CREATING);
            assertThat(snapshot.reason()).contains("snapshot_accepted");
            assertThat(sandbox.getDiagnosticLogs("container").content()).contains("booted");
            DiagnosticContent events = sandbox.getDiagnosticEvents("all");
            assertThat(events.contentUrl()).contains("https://x/y");
            assertThat(events.truncated()).isTrue();
            assertThat(events.warnings()).containsExactly("partial");
            assertThatThrownBy(() -> sandbox.getDiagnosticLogs(" ")).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> sandbox.createSnapshot(" ")).isInstanceOf(InvalidArgumentException.class);
        }

        LoggedRequest create = requestsTo("/v1/sandboxes/sb-10/snapshots").get(0);
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "CreateSnapshotRequest", create.getBody()))
                .isEmpty();
        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/sb-10/diagnostics/logs?scope=container")));
        server.verify(getRequestedFor(urlEqualTo("/v1/sandboxes/sb-10/diagnostics/events?scope=all")));
    }

    @Test
    void close_releasesLocalResourcesOnlyUnlessKillOnCloseWasAsked() {
        stubExecd(server, "sb-11");
        server.stubFor(delete("/v1/sandboxes/sb-11").willReturn(aResponse().withStatus(204)));

        Sandbox kept = Sandbox.connect("sb-11", config(server));
        kept.close();
        kept.close();
        server.verify(0, deleteRequestedFor(urlEqualTo("/v1/sandboxes/sb-11")));
        assertThatThrownBy(kept::getInfo).hasMessageContaining("closed");

        Sandbox.connector("sb-11")
                .connectionConfig(config(server))
                .killOnClose(true)
                .connect()
                .close();
        server.verify(1, deleteRequestedFor(urlEqualTo("/v1/sandboxes/sb-11")));
    }
}
