package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status codes, error codes and headers of the lifecycle API as the lifecycle server's source has them (the Docker
 * runtime's codes: {@code server/opensandbox_server/services/docker/docker_service.py}, {@code validators.py},
 * {@code snapshot_service.py}, {@code snapshot_restore.py}, {@code api/lifecycle.py}).
 */
class LifecycleFidelityTest {
    static LocalSandboxServer server;
    static TestClient c;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .apiKey("fidelity-key")
                .gracePeriod(Duration.ofMillis(50))
                .start();
        c = new TestClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(TestClient.json(r).get("code").asText()).isEqualTo(code);
        assertThat(TestClient.json(r).get("message").asText()).isNotBlank();
    }

    @Test
    void unknownSandbox_is404DockerSandboxNotFound_onEveryRoute() {
        String id = "00000000-0000-0000-0000-000000000000";
        assertError(c.api("GET", "/sandboxes/" + id, null), 404, "DOCKER::SANDBOX_NOT_FOUND");
        assertError(c.api("DELETE", "/sandboxes/" + id, null), 404, "DOCKER::SANDBOX_NOT_FOUND");
        assertError(c.api("POST", "/sandboxes/" + id + "/pause", null), 404, "DOCKER::SANDBOX_NOT_FOUND");
        assertError(c.api("GET", "/sandboxes/" + id + "/endpoints/44772", null), 404, "DOCKER::SANDBOX_NOT_FOUND");
    }

    @Test
    void createSandbox_hasNoLocationHeader_createSnapshot_hasARelativeOne() {
        // api/lifecycle.py sets Location on snapshot creation only, as a path
        HttpResponse<String> r =
                c.api("POST", "/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"timeout\":600}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        String id = TestClient.json(r).get("id").asText();
        c.awaitState(id, "Running");
        HttpResponse<String> snap = c.api("POST", "/sandboxes/" + id + "/snapshots", null);
        assertThat(snap.statusCode()).isEqualTo(202);
        assertThat(snap.headers().firstValue("Location"))
                .contains("/v1/snapshots/" + TestClient.json(snap).get("id").asText());
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void pauseAndResume_inTheWrongState_are409WithTheDockerCodes() {
        String id = c.createSandbox("\"timeout\":600");
        assertError(c.api("POST", "/sandboxes/" + id + "/resume", null), 409, "DOCKER::SANDBOX_NOT_PAUSED");
        assertThat(c.api("POST", "/sandboxes/" + id + "/pause", null).statusCode())
                .isEqualTo(202);
        c.awaitState(id, "Paused");
        assertError(c.api("POST", "/sandboxes/" + id + "/pause", null), 409, "DOCKER::SANDBOX_NOT_RUNNING");
        // snapshot_service.py: a snapshot is taken from a Running sandbox only
        assertError(c.api("POST", "/sandboxes/" + id + "/snapshots", null), 409, "SNAPSHOT::INVALID_SOURCE_STATE");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void renew_intoThePast_is400InvalidExpiration_andOfAManualCleanupSandbox_is409() {
        String timed = c.createSandbox("\"timeout\":600");
        String past = OffsetDateTime.now().minusMinutes(1).toString();
        assertError(
                c.api("POST", "/sandboxes/" + timed + "/renew-expiration", "{\"expiresAt\":\"" + past + "\"}"),
                400,
                "DOCKER::INVALID_EXPIRATION");
        String manual = c.createSandbox("\"timeout\":null");
        String future = OffsetDateTime.now().plusHours(1).toString();
        assertError(
                c.api("POST", "/sandboxes/" + manual + "/renew-expiration", "{\"expiresAt\":\"" + future + "\"}"),
                409,
                "DOCKER::INVALID_EXPIRATION");
        JsonNode info = TestClient.json(c.api("GET", "/sandboxes/" + manual, null));
        assertThat(info.has("expiresAt"))
                .as("a refused renew leaves the sandbox without expiry")
                .isFalse();
        c.api("DELETE", "/sandboxes/" + timed, null);
        c.api("DELETE", "/sandboxes/" + manual, null);
    }

    @Test
    void list_pageSizeAbove200_isRejected_notCapped() {
        // api/lifecycle.py: Query(20, ge=1, le=200): FastAPI refuses 201 (422 there; 400 here, see the README)
        HttpResponse<String> sandboxes = c.api("GET", "/sandboxes?pageSize=201", null);
        assertThat(sandboxes.statusCode()).isEqualTo(400);
        HttpResponse<String> snapshots = c.api("GET", "/snapshots?pageSize=201", null);
        assertThat(snapshots.statusCode()).isEqualTo(400);
        assertThat(c.api("GET", "/sandboxes?pageSize=200", null).statusCode()).isEqualTo(200);
    }

    private static final String BASE = "\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"timeout\":600";

    private static HttpResponse<String> create(String extra) {
        return c.api("POST", "/sandboxes", "{" + BASE + "," + extra + "}");
    }

    @Test
    void create_ignoresUnknownFields_likePydantic() {
        // schema.py models keep pydantic's default (extra fields ignored); so does Go's json.Unmarshal for rules
        HttpResponse<String> r = create("\"futureField\":1,\"platform\":{\"os\":\"linux\",\"arch\":\"amd64\","
                + "\"variant\":\"v8\"},\"networkPolicy\":{\"defaultAction\":\"allow\",\"egress\":[{\"action\":"
                + "\"deny\",\"target\":\"a.io\",\"comment\":\"x\"}],\"mode\":\"dns\"},"
                + "\"credentialProxy\":{\"enabled\":false,\"x\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = TestClient.json(r).get("id").asText();
        HttpResponse<String> imageAuth = c.api(
                "POST",
                "/sandboxes",
                "{\"image\":{\"uri\":\"x\",\"auth\":{\"username\":\"u\",\"password\":\"p\",\"token\":\"t\"},"
                        + "\"digest\":\"d\"},\"entrypoint\":[\"true\"],\"timeout\":600}");
        assertThat(imageAuth.statusCode()).as(imageAuth.body()).isEqualTo(202);
        c.awaitState(id, "Running");
        String future = OffsetDateTime.now().plusHours(1).toString();
        assertThat(c.api("POST", "/sandboxes/" + id + "/renew-expiration", "{\"expiresAt\":\"" + future + "\",\"x\":1}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(c.api("POST", "/sandboxes/" + id + "/snapshots", "{\"name\":\"s\",\"x\":1}")
                        .statusCode())
                .isEqualTo(202);
        c.api("DELETE", "/sandboxes/" + id, null);
        c.api("DELETE", "/sandboxes/" + TestClient.json(imageAuth).get("id").asText(), null);
    }

    @Test
    void create_credentialProxyWithoutANetworkPolicy_isRefused() {
        // schema.py validate_source_and_entrypoint: "credentialProxy.enabled requires networkPolicy."
        HttpResponse<String> r = create("\"credentialProxy\":{\"enabled\":true}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(r).get("message").asText())
                .contains("credentialProxy.enabled requires networkPolicy");
    }

    @Test
    void create_validatesTheRenewOnAccessExtension() {
        // extensions/validation.py: a base-10 integer string between 300 and 86400
        for (String bad : new String[] {"299", "86401", "soon", " "}) {
            HttpResponse<String> r = create("\"extensions\":{\"access.renew.extend.seconds\":\"" + bad + "\"}");
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(TestClient.json(r).get("code").asText()).isEqualTo("SANDBOX::INVALID_PARAMETER");
        }
        HttpResponse<String> ok = create("\"extensions\":{\"access.renew.extend.seconds\":\"600\"}");
        assertThat(ok.statusCode()).isEqualTo(202);
        c.api("DELETE", "/sandboxes/" + TestClient.json(ok).get("id").asText(), null);
    }

    @Test
    void create_acceptsNullEnvValues_andRefusesAnEmptyEntrypoint() {
        // schema.py: env is Dict[str, Optional[str]]; entrypoint has min_length=1
        HttpResponse<String> env = create("\"env\":{\"A\":\"1\",\"B\":null}");
        assertThat(env.statusCode()).as(env.body()).isEqualTo(202);
        c.api("DELETE", "/sandboxes/" + TestClient.json(env).get("id").asText(), null);
        HttpResponse<String> empty =
                c.api("POST", "/sandboxes", "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[],\"timeout\":600}");
        assertThat(empty.statusCode()).isEqualTo(400);
    }
}
