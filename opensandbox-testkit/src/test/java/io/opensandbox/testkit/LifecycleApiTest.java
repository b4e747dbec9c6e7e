package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LifecycleApiTest {
    static LocalSandboxServer server;
    static TestClient c;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .apiKey("secret-key")
                .gracePeriod(Duration.ofMillis(50))
                .start();
        c = new TestClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void create_returns202WithRequestId_andGetListDelete() {
        HttpResponse<String> r = c.api(
                "POST",
                "/sandboxes",
                "{\"image\":{\"uri\":\"python:3.12\",\"auth\":{\"username\":\"u\",\"password\":\"pw\"}},"
                        + "\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],\"metadata\":{\"team\":\"a\"},"
                        + "\"platform\":{\"os\":\"linux\",\"arch\":\"amd64\"},\"timeout\":120}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("X-Request-ID")).isPresent();
        JsonNode body = TestClient.json(r);
        String id = body.get("id").asText();
        assertThat(body.path("status").path("state").asText()).isEqualTo("Pending");
        assertThat(body.has("image")).isFalse();
        assertThat(body.path("entrypoint").get(0).asText()).isEqualTo("tail");
        assertThat(body.path("metadata").path("team").asText()).isEqualTo("a");
        Instant expires = Instant.parse(body.get("expiresAt").asText());
        assertThat(expires)
                .isBetween(Instant.now().plusSeconds(100), Instant.now().plusSeconds(130));

        c.awaitState(id, "Running");
        JsonNode got = TestClient.json(c.api("GET", "/sandboxes/" + id, null));
        assertThat(got.path("image").path("uri").asText()).isEqualTo("python:3.12");
        assertThat(got.toString()).doesNotContain("pw");
        assertThat(got.path("platform").path("arch").asText()).isEqualTo("amd64");

        // also mounted without /v1
        HttpResponse<String> plain = c.send(
                "GET",
                "http://" + server.domain() + "/sandboxes/" + id,
                null,
                Map.of("OPEN-SANDBOX-API-KEY", "secret-key"));
        assertThat(plain.statusCode()).isEqualTo(200);

        assertThat(c.api("DELETE", "/sandboxes/" + id, null).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = c.api("GET", "/sandboxes/" + id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(TestClient.json(gone).get("code").asText()).isEqualTo("DOCKER::SANDBOX_NOT_FOUND");
        assertThat(c.api("DELETE", "/sandboxes/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void timeout_nullAndAbsentBothMeanNoExpiry_belowMinimumIs400() {
        JsonNode manual = TestClient.json(
                c.api("POST", "/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"timeout\":null}"));
        assertThat(manual.has("expiresAt")).isFalse();
        // The lifecycle server's request model declares `timeout: Optional[int] = None`: an omitted timeout is
        // manual cleanup too (the official TypeScript SDK omits it for `timeoutSeconds: null`).
        JsonNode dflt =
                TestClient.json(c.api("POST", "/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"]}"));
        assertThat(dflt.has("expiresAt")).isFalse();
        JsonNode info =
                TestClient.json(c.api("GET", "/sandboxes/" + dflt.get("id").asText(), null));
        assertThat(info.has("expiresAt")).isFalse();
        HttpResponse<String> low =
                c.api("POST", "/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"timeout\":59}");
        assertThat(low.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(low).get("code").asText()).isEqualTo("SANDBOX::INVALID_PARAMETER");
        c.api("DELETE", "/sandboxes/" + manual.get("id").asText(), null);
        c.api("DELETE", "/sandboxes/" + dflt.get("id").asText(), null);
    }

    @Test
    void create_rejectsBadInput() {
        List<String> bad = List.of(
                "{not json",
                "[]",
                "{\"entrypoint\":[\"true\"]}",
                "{\"image\":{\"uri\":\"x\"},\"snapshotId\":\"s\",\"entrypoint\":[\"true\"]}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[]}",
                "{\"image\":{\"uri\":\"x\"}}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"platform\":{\"os\":\"mac\",\"arch\":\"amd64\"}}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"metadata\":{\"opensandbox.io/x\":\"1\"}}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/data\","
                        + "\"ossfs\":{\"bucket\":\"b\",\"endpoint\":\"e\",\"accessKeyId\":\"a\",\"accessKeySecret\":\"s\"}}]}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/data\","
                        + "\"host\":{\"path\":\"/tmp\"},\"pvc\":{\"claimName\":\"c\"}}]}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/data\"}]}",
                "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"timeout\":\"soon\"}");
        for (String body : bad) {
            HttpResponse<String> r = c.api("POST", "/sandboxes", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            JsonNode err = TestClient.json(r);
            assertThat(err.get("code").asText()).as(body).isNotBlank();
            assertThat(err.get("message").asText()).as(body).isNotBlank();
        }
        HttpResponse<String> ossfs = c.api("POST", "/sandboxes", bad.get(8));
        assertThat(TestClient.json(ossfs).get("message").asText()).contains("not supported by the local test server");
        HttpResponse<String> big = c.api("POST", "/sandboxes", "{\"x\":\"" + "a".repeat(11 * 1024 * 1024) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        // the server keeps serving
        assertThat(c.api("GET", "/sandboxes", null).statusCode()).isEqualTo(200);
    }

    @Test
    void apiKey_isRequired_andRequestIdEchoed() {
        HttpResponse<String> missing =
                c.send("GET", c.lifecycle("/sandboxes"), null, Map.of("X-Request-ID", "req-123"));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(TestClient.json(missing).get("code").asText()).isEqualTo("MISSING_API_KEY");
        assertThat(missing.headers().firstValue("X-Request-ID")).hasValue("req-123");
        HttpResponse<String> wrong =
                c.send("GET", c.lifecycle("/sandboxes"), null, Map.of("OPEN-SANDBOX-API-KEY", "nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(TestClient.json(wrong).get("code").asText()).isEqualTo("INVALID_API_KEY");
        assertThat(wrong.headers().firstValue("X-Request-ID")).isPresent();
        HttpResponse<String> unknown = c.api("GET", "/sandboxes/does-not-exist", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void list_filtersByStateAndMetadata_andPaginates() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(c.createSandbox("\"metadata\":{\"suite\":\"list\",\"n\":\"" + i + "\",\"note\":\"a b\"}"));
        }
        c.api("POST", "/sandboxes/" + ids.get(0) + "/pause", null);
        c.awaitState(ids.get(0), "Paused");

        JsonNode all = TestClient.json(c.api("GET", "/sandboxes?metadata=" + TestClient.enc("suite=list"), null));
        assertThat(all.path("items")).hasSize(3);
        JsonNode one =
                TestClient.json(c.api("GET", "/sandboxes?metadata=" + TestClient.enc("suite=list&n=1&note=a+b"), null));
        assertThat(one.path("items")).hasSize(1);
        assertThat(one.path("items").get(0).get("id").asText()).isEqualTo(ids.get(1));
        JsonNode paused = TestClient.json(
                c.api("GET", "/sandboxes?state=Paused&state=Stopping&metadata=" + TestClient.enc("suite=list"), null));
        assertThat(paused.path("items")).hasSize(1);
        JsonNode both = TestClient.json(
                c.api("GET", "/sandboxes?state=Paused&state=Running&metadata=" + TestClient.enc("suite=list"), null));
        assertThat(both.path("items")).hasSize(3);

        JsonNode page = TestClient.json(
                c.api("GET", "/sandboxes?page=2&pageSize=2&metadata=" + TestClient.enc("suite=list"), null));
        assertThat(page.path("items")).hasSize(1);
        JsonNode p = page.path("pagination");
        assertThat(p.path("page").asInt()).isEqualTo(2);
        assertThat(p.path("pageSize").asInt()).isEqualTo(2);
        assertThat(p.path("totalItems").asInt()).isEqualTo(3);
        assertThat(p.path("totalPages").asInt()).isEqualTo(2);
        assertThat(p.path("hasNextPage").asBoolean()).isFalse();
        assertThat(c.api("GET", "/sandboxes?pageSize=1000", null).statusCode()).isEqualTo(400);

        HttpResponse<String> malformed = c.api("GET", "/sandboxes?metadata=" + TestClient.enc("suite"), null);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(malformed).get("code").asText()).isEqualTo("INVALID_METADATA_FORMAT");
        assertThat(c.api("GET", "/sandboxes?page=0", null).statusCode()).isEqualTo(400);
        ids.forEach(id -> c.api("DELETE", "/sandboxes/" + id, null));
    }

    @Test
    void metadataPatch_isAMergePatch() {
        String id = c.createSandbox("\"metadata\":{\"a\":\"1\",\"b\":\"2\"}");
        HttpResponse<String> r = c.api("PATCH", "/sandboxes/" + id + "/metadata", "{\"a\":null,\"c\":\"3\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode md = TestClient.json(r).path("metadata");
        assertThat(md.has("a")).isFalse();
        assertThat(md.path("b").asText()).isEqualTo("2");
        assertThat(md.path("c").asText()).isEqualTo("3");
        assertThat(c.api("PATCH", "/sandboxes/" + id + "/metadata", "{}").statusCode())
                .isEqualTo(200);
        assertThat(c.api("PATCH", "/sandboxes/" + id + "/metadata", "{\"opensandbox.io/x\":\"1\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(c.api("PATCH", "/sandboxes/" + id + "/metadata", "{\"a\":1}").statusCode())
                .isEqualTo(400);
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void pauseResume_followStates_andRejectWrongState() {
        String id = c.createSandbox("");
        assertThat(c.api("POST", "/sandboxes/" + id + "/resume", null).statusCode())
                .isEqualTo(409);
        assertThat(c.api("POST", "/sandboxes/" + id + "/pause", null).statusCode())
                .isEqualTo(202);
        c.awaitState(id, "Paused");
        assertThat(c.api("POST", "/sandboxes/" + id + "/pause", null).statusCode())
                .isEqualTo(409);
        TestClient.Endpoint ep = c.endpoint(id, 44772, false);
        assertThat(c.call(ep, "GET", "/ping", null).statusCode()).isEqualTo(503);
        assertThat(c.api("POST", "/sandboxes/" + id + "/resume", null).statusCode())
                .isEqualTo(202);
        c.awaitState(id, "Running");
        assertThat(c.call(ep, "GET", "/ping", null).statusCode()).isEqualTo(200);
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void renew_mustBeInTheFuture() {
        String id = c.createSandbox("\"timeout\":600");
        String future = OffsetDateTime.now().plusHours(2).toString();
        HttpResponse<String> ok =
                c.api("POST", "/sandboxes/" + id + "/renew-expiration", "{\"expiresAt\":\"" + future + "\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        Instant renewed = Instant.parse(TestClient.json(ok).get("expiresAt").asText());
        assertThat(renewed).isAfter(Instant.now().plusSeconds(7000));
        assertThat(TestClient.json(c.api("GET", "/sandboxes/" + id, null))
                        .get("expiresAt")
                        .asText())
                .isEqualTo(TestClient.json(ok).get("expiresAt").asText());
        String past = OffsetDateTime.now().minusMinutes(1).toString();
        assertThat(c.api("POST", "/sandboxes/" + id + "/renew-expiration", "{\"expiresAt\":\"" + past + "\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(c.api("POST", "/sandboxes/" + id + "/renew-expiration", "{\"expiresAt\":\"tomorrow\"}")
                        .statusCode())
                .isEqualTo(400);
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void endpoints_carryAPath_andAuthHeaders() {
        String id = c.createSandbox("\"secureAccess\":true");
        JsonNode direct = TestClient.json(c.api("GET", "/sandboxes/" + id + "/endpoints/44772", null));
        assertThat(direct.get("endpoint").asText()).isEqualTo(server.domain() + "/sandboxes/" + id + "/port/44772");
        String token = direct.path("headers").path("OpenSandbox-Secure-Access").asText();
        assertThat(token).isNotBlank();
        JsonNode proxy =
                TestClient.json(c.api("GET", "/sandboxes/" + id + "/endpoints/8080?use_server_proxy=true", null));
        assertThat(proxy.get("endpoint").asText()).isEqualTo(server.domain() + "/sandboxes/" + id + "/proxy/8080");
        JsonNode egress = TestClient.json(c.api("GET", "/sandboxes/" + id + "/endpoints/18080", null));
        assertThat(egress.path("headers").path("OPENSANDBOX-EGRESS-AUTH").asText())
                .isNotBlank();
        assertThat(egress.path("headers").path("OpenSandbox-Secure-Access").asText())
                .isEqualTo(token);

        long exp = Instant.now().plusSeconds(600).getEpochSecond();
        JsonNode signed = TestClient.json(c.api("GET", "/sandboxes/" + id + "/endpoints/44772?expires=" + exp, null));
        assertThat(signed.get("endpoint").asText()).contains("/signed/44772/" + exp + "/");
        TestClient.Endpoint signedEp = new TestClient.Endpoint(
                "http://" + signed.get("endpoint").asText(), Map.of("OpenSandbox-Secure-Access", token));
        assertThat(c.call(signedEp, "GET", "/ping", null).statusCode()).isEqualTo(200);
        assertThat(c.api("GET", "/sandboxes/" + id + "/endpoints/44772?expires=" + exp + "&use_server_proxy=true", null)
                        .statusCode())
                .isEqualTo(400);
        assertThat(c.api("GET", "/sandboxes/" + id + "/endpoints/0", null).statusCode())
                .isEqualTo(400);
        assertThat(c.api("GET", "/sandboxes/" + id + "/endpoints/65536", null).statusCode())
                .isEqualTo(400);

        // secure access: the token is required by execd; the lifecycle key is not accepted instead
        TestClient.Endpoint ep = c.endpoint(id, 44772, false);
        assertThat(c.call(ep, "GET", "/ping", null).statusCode()).isEqualTo(200);
        HttpResponse<String> noToken = c.send("GET", ep.base() + "/ping", null, Map.of());
        assertThat(noToken.statusCode()).isEqualTo(401);
        long leakedBefore = server.leakedApiKeyRequests();
        HttpResponse<String> withKey =
                c.send("GET", ep.base() + "/ping", null, Map.of("OPEN-SANDBOX-API-KEY", "secret-key"));
        assertThat(withKey.statusCode()).isEqualTo(401);
        assertThat(server.leakedApiKeyRequests()).isEqualTo(leakedBefore + 1);
        TestClient.Endpoint viaProxy = c.endpoint(id, 44772, true);
        assertThat(c.call(viaProxy, "GET", "/ping", null).statusCode()).isEqualTo(200);
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void diagnostics_requireScope() {
        String id = c.createSandbox("");
        assertThat(c.api("GET", "/sandboxes/" + id + "/diagnostics/logs", null).statusCode())
                .isEqualTo(400);
        JsonNode logs = TestClient.json(c.api("GET", "/sandboxes/" + id + "/diagnostics/logs?scope=lifecycle", null));
        assertThat(logs.get("kind").asText()).isEqualTo("logs");
        assertThat(logs.get("delivery").asText()).isEqualTo("inline");
        assertThat(logs.get("content").asText()).contains("Running");
        JsonNode events = TestClient.json(c.api("GET", "/sandboxes/" + id + "/diagnostics/events?scope=all", null));
        assertThat(events.get("kind").asText()).isEqualTo("events");
        assertThat(events.get("truncated").asBoolean()).isFalse();
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void snapshots_createListRestoreDelete() {
        String id = c.createSandbox("");
        TestClient.Endpoint ep = c.endpoint(id, 44772, false);
        c.run(ep, "echo from-snapshot > /root/marker.txt");
        HttpResponse<String> created = c.api("POST", "/sandboxes/" + id + "/snapshots", "{\"name\":\"snap1\"}");
        assertThat(created.statusCode()).isEqualTo(202);
        assertThat(created.headers().firstValue("Location")).isPresent();
        JsonNode snap = TestClient.json(created);
        String snapId = snap.get("id").asText();
        assertThat(snap.path("status").path("reason").asText()).isEqualTo("snapshot_accepted");
        String state = "";
        for (int i = 0; i < 200 && !state.equals("Ready"); i++) {
            state = TestClient.json(c.api("GET", "/snapshots/" + snapId, null))
                    .path("status")
                    .path("state")
                    .asText();
            TestClient.sleep(50);
        }
        assertThat(state).isEqualTo("Ready");
        JsonNode list = TestClient.json(c.api("GET", "/snapshots?sandboxId=" + id + "&state=Ready", null));
        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("pagination").path("totalItems").asInt()).isEqualTo(1);

        HttpResponse<String> restored = c.api(
                "POST",
                "/sandboxes",
                "{\"snapshotId\":\"" + snapId + "\",\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]}");
        assertThat(restored.statusCode()).isEqualTo(202);
        String id2 = TestClient.json(restored).get("id").asText();
        c.awaitState(id2, "Running");
        List<TestClient.Event> out = c.run(c.endpoint(id2, 44772, false), "cat /root/marker.txt");
        assertThat(TestClient.texts(out, "stdout")).containsExactly("from-snapshot");
        assertThat(TestClient.json(c.api("GET", "/sandboxes/" + id2, null))
                        .get("snapshotId")
                        .asText())
                .isEqualTo(snapId);

        assertThat(c.api("DELETE", "/snapshots/" + snapId, null).statusCode()).isEqualTo(204);
        assertThat(c.api("GET", "/snapshots/" + snapId, null).statusCode()).isEqualTo(404);
        c.api("DELETE", "/sandboxes/" + id, null);
        c.api("DELETE", "/sandboxes/" + id2, null);
    }
}
