package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EgressTest {
    static final String SECRET = "sk-super-secret-value-42";
    static LocalSandboxServer server;
    static TestClient c;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .apiKey("k")
                .gracePeriod(Duration.ofMillis(50))
                .start();
        c = new TestClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void policy_initialisedAtCreate_patchedAndDeleted() {
        String id = c.createSandbox(
                "\"networkPolicy\":{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"pypi.org\"}]}");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        JsonNode status = TestClient.json(c.call(ep, "GET", "/policy", null));
        assertThat(status.get("status").asText()).isEqualTo("ok");
        assertThat(status.get("mode").asText()).isNotBlank();
        assertThat(status.get("enforcementMode").asText()).isNotBlank();
        assertThat(status.path("policy").path("defaultAction").asText()).isEqualTo("deny");
        assertThat(status.path("policy").path("egress")).hasSize(1);

        HttpResponse<String> patched = c.call(
                ep,
                "PATCH",
                "/policy",
                "[{\"action\":\"deny\",\"target\":\"pypi.org\"},{\"action\":\"allow\",\"target\":\"github.com\"},"
                        + "{\"action\":\"deny\",\"target\":\"github.com\"}]");
        assertThat(patched.statusCode()).isEqualTo(200);
        JsonNode rules = TestClient.json(patched).path("policy").path("egress");
        assertThat(rules.toString())
                .isEqualTo(
                        "[{\"action\":\"deny\",\"target\":\"pypi.org\"},{\"action\":\"allow\",\"target\":\"github.com\"}]");
        assertThat(TestClient.json(patched).path("policy").path("defaultAction").asText())
                .isEqualTo("deny");

        HttpResponse<String> deleted = c.call(ep, "DELETE", "/policy", "[\"pypi.org\"]");
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(TestClient.json(deleted).path("policy").path("egress")).hasSize(1);

        HttpResponse<String> bad = c.call(ep, "PATCH", "/policy", "[{\"action\":\"maybe\",\"target\":\"x\"}]");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(c.call(ep, "PATCH", "/policy", "[]").statusCode()).isEqualTo(400);
        // Incoming rules take priority, so they come before the existing ones; targets compare case-insensitively
        HttpResponse<String> wildcard =
                c.call(ep, "PATCH", "/policy", "[{\"action\":\"allow\",\"target\":\"*.example.com\"}]");
        assertThat(wildcard.statusCode()).isEqualTo(200);
        HttpResponse<String> override = c.call(
                ep,
                "PATCH",
                "/policy",
                "[{\"action\":\"deny\",\"target\":\"bad.example.com\"},{\"action\":\"deny\",\"target\":\"*.EXAMPLE.com\"}]");
        assertThat(TestClient.json(override).path("policy").path("egress").toString())
                .isEqualTo("[{\"action\":\"deny\",\"target\":\"bad.example.com\"},"
                        + "{\"action\":\"deny\",\"target\":\"*.EXAMPLE.com\"},"
                        + "{\"action\":\"allow\",\"target\":\"github.com\"}]");
        HttpResponse<String> removed = c.call(ep, "DELETE", "/policy", "[\"BAD.example.com\",\"*.example.com\"]");
        assertThat(TestClient.json(removed).path("policy").path("egress").toString())
                .isEqualTo("[{\"action\":\"allow\",\"target\":\"github.com\"}]");

        // DELETE /policy: minItems 1 as well; the rules are unchanged
        HttpResponse<String> emptyDelete = c.call(ep, "DELETE", "/policy", "[]");
        assertThat(emptyDelete.statusCode()).isEqualTo(400);
        assertThat(emptyDelete.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(TestClient.json(c.call(ep, "GET", "/policy", null))
                        .path("policy")
                        .path("egress"))
                .hasSize(1);

        // deny by default: new commands get an empty network namespace (only a loopback device)
        TestClient.Endpoint execd = c.endpoint(id, 44772, false);
        List<String> devices =
                TestClient.texts(c.run(execd, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"), "stdout");
        assertThat(devices).containsExactly("lo");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void egress_requiresItsOwnToken_andNeverTheApiKey() {
        String id = c.createSandbox("");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        HttpResponse<String> none = c.send("GET", ep.base() + "/policy", null, Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        long before = server.leakedApiKeyRequests();
        HttpResponse<String> apiKey = c.send("GET", ep.base() + "/policy", null, Map.of("OPEN-SANDBOX-API-KEY", "k"));
        assertThat(apiKey.statusCode()).isEqualTo(401);
        assertThat(server.leakedApiKeyRequests()).isEqualTo(before + 1);
        TestClient.Endpoint proxied = c.endpoint(id, 18080, true);
        assertThat(c.call(proxied, "GET", "/policy", null).statusCode()).isEqualTo(200);
        JsonNode policy = TestClient.json(c.call(proxied, "GET", "/policy", null));
        assertThat(policy.path("policy").path("defaultAction").asText()).isEqualTo("allow");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void credentialVault_flow_neverReturnsTheSecret() {
        String id = c.createSandbox("\"credentialProxy\":{\"enabled\":true},\"networkPolicy\":{\"defaultAction\":"
                + "\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"api.github.com\"},"
                + "{\"action\":\"allow\",\"target\":\"x.io\"}]}");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        List<HttpResponse<String>> responses = new ArrayList<>();
        HttpResponse<String> missing = c.call(ep, "GET", "/credential-vault", null);
        assertThat(missing.statusCode()).isEqualTo(404);

        String create = "{\"credentials\":[{\"name\":\"gh\",\"source\":{\"type\":\"inline\",\"value\":\"" + SECRET
                + "\"}}],\"bindings\":[{\"name\":\"github\",\"match\":{\"hosts\":[\"api.github.com\"]},"
                + "\"auth\":{\"type\":\"bearer\",\"credential\":\"gh\"}}]}";
        HttpResponse<String> created = c.call(ep, "POST", "/credential-vault", create);
        responses.add(created);
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode state = TestClient.json(created);
        assertThat(state.get("revision").asLong()).isEqualTo(1);
        assertThat(state.path("credentials").get(0).path("sourceType").asText()).isEqualTo("inline");
        assertThat(c.call(ep, "POST", "/credential-vault", create).statusCode()).isEqualTo(409);

        HttpResponse<String> unknownField = c.call(
                ep,
                "PATCH",
                "/credential-vault",
                "{\"credentials\":{\"add\":[{\"name\":\"x\",\"source\":{\"value\":\"v\"},\"extra\":null}]}}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).doesNotStartWith("{");

        HttpResponse<String> conflict = c.call(ep, "PATCH", "/credential-vault", "{\"expectedRevision\":7}");
        assertThat(conflict.statusCode()).isEqualTo(409);

        HttpResponse<String> patched = c.call(
                ep,
                "PATCH",
                "/credential-vault",
                "{\"expectedRevision\":1,\"credentials\":{\"add\":[{\"name\":\"k2\",\"source\":{\"value\":\"" + SECRET
                        + "-2\"}}],\"replace\":[{\"name\":\"gh\",\"source\":{\"value\":\"" + SECRET + "-3\"}}]},"
                        + "\"bindings\":{\"add\":[{\"name\":\"api\",\"match\":{\"hosts\":[\"x.io\"],\"ports\":[443]},"
                        + "\"auth\":{\"type\":\"apiKey\",\"name\":\"X-Key\",\"credential\":\"k2\"}}]}}");
        responses.add(patched);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(TestClient.json(patched).get("revision").asLong()).isEqualTo(2);

        HttpResponse<String> creds = c.call(ep, "GET", "/credential-vault/credentials", null);
        responses.add(creds);
        assertThat(TestClient.json(creds).path("credentials")).hasSize(2);
        HttpResponse<String> one = c.call(ep, "GET", "/credential-vault/credentials/gh", null);
        responses.add(one);
        assertThat(TestClient.json(one).get("revision").asLong()).isEqualTo(2);
        HttpResponse<String> binds = c.call(ep, "GET", "/credential-vault/bindings", null);
        responses.add(binds);
        assertThat(TestClient.json(binds).get("revision").asLong()).isEqualTo(2);
        HttpResponse<String> bind = c.call(ep, "GET", "/credential-vault/bindings/api", null);
        responses.add(bind);
        assertThat(TestClient.json(bind).path("auth").path("type").asText()).isEqualTo("apiKey");
        responses.add(c.call(ep, "GET", "/credential-vault", null));
        assertThat(c.call(ep, "GET", "/credential-vault/bindings/nope", null).statusCode())
                .isEqualTo(404);

        HttpResponse<String> dangling =
                c.call(ep, "PATCH", "/credential-vault", "{\"credentials\":{\"delete\":[\"k2\"]}}");
        assertThat(dangling.statusCode()).isEqualTo(400);

        for (HttpResponse<String> r : responses) {
            assertThat(r.body()).doesNotContain(SECRET);
        }
        assertThat(c.call(ep, "DELETE", "/credential-vault", null).statusCode()).isEqualTo(204);
        assertThat(c.call(ep, "GET", "/credential-vault", null).statusCode()).isEqualTo(404);
        c.api("DELETE", "/sandboxes/" + id, null);
    }
}
