package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Credential Vault's preconditions and validation as the egress sidecar's source has them ({@code
 * components/egress/policy_server.go}, {@code pkg/credentialvault/vault.go}; the lifecycle server turns on the
 * transparent proxy only for {@code credentialProxy.enabled} with a network policy).
 */
class EgressFidelityTest {
    static LocalSandboxServer server;
    static TestClient c;

    private static final String BEARER = "\"auth\":{\"type\":\"bearer\",\"credential\":\"gh\"}";
    private static final String CRED = "{\"name\":\"gh\",\"source\":{\"value\":\"v1\"}}";

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .apiKey("egress-fidelity-key")
                .gracePeriod(Duration.ofMillis(50))
                .start();
        c = new TestClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String vault(String hostsJson, String extraMatch) {
        return "{\"credentials\":[" + CRED + "],\"bindings\":[{\"name\":\"b\",\"match\":{\"hosts\":" + hostsJson
                + extraMatch + "}," + BEARER + "}]}";
    }

    private static void assertPlain(HttpResponse<String> r, int status, String text) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.body()).contains(text);
    }

    @Test
    void vaultWrites_withoutTheCredentialProxy_are412() {
        String id = c.createSandbox(
                "\"networkPolicy\":{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"api.github.com\"}]}");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        assertPlain(
                c.call(ep, "POST", "/credential-vault", vault("[\"api.github.com\"]", "")),
                412,
                "credential vault requires transparent mitmproxy");
        assertPlain(c.call(ep, "DELETE", "/credential-vault", null), 412, "transparent mitmproxy");
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void bindings_needAnExplicitAllowRuleForEveryHost_andAnInterceptedPort() {
        String id = c.createSandbox("\"credentialProxy\":{\"enabled\":true},\"networkPolicy\":{\"defaultAction\":"
                + "\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"api.github.com\"},"
                + "{\"action\":\"allow\",\"target\":\"*.example.com\"}]}");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        assertPlain(
                c.call(ep, "POST", "/credential-vault", vault("[\"other.io\"]", "")),
                400,
                "binding \"b\" host \"other.io\" is not covered by an explicit allow egress rule");
        assertPlain(
                c.call(ep, "POST", "/credential-vault", vault("[\"api.github.com\"]", ",\"ports\":[8443]")),
                400,
                "binding \"b\" port 8443 is not a configured transparent intercept port");
        HttpResponse<String> ok =
                c.call(ep, "POST", "/credential-vault", vault("[\"api.github.com\",\"svc.example.com\"]", ""));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);

        // the policy may no longer drop what a binding relies on
        assertPlain(c.call(ep, "DELETE", "/policy", "[\"api.github.com\"]"), 400, "credential vault policy validation");
        assertPlain(
                c.call(ep, "PATCH", "/policy", "[{\"action\":\"deny\",\"target\":\"api.github.com\"}]"),
                400,
                "credential vault policy validation");
        assertThat(c.call(ep, "PATCH", "/policy", "[{\"action\":\"allow\",\"target\":\"pypi.org\"}]")
                        .statusCode())
                .isEqualTo(200);
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void bindings_withoutAnyEgressRule_areRefused_anEmptyVaultIsNot() {
        String id = c.createSandbox(
                "\"credentialProxy\":{\"enabled\":true},\"networkPolicy\":{\"defaultAction\":\"allow\"}");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        assertPlain(
                c.call(ep, "POST", "/credential-vault", vault("[\"api.github.com\"]", "")),
                400,
                "credential bindings require explicit networkPolicy.egress allow rules");
        assertThat(c.call(ep, "POST", "/credential-vault", "{\"credentials\":[" + CRED + "],\"bindings\":[]}")
                        .statusCode())
                .isEqualTo(201);
        c.api("DELETE", "/sandboxes/" + id, null);
    }

    @Test
    void patchMistakes_are400_aStaleRevisionIs409_unknownNamesSayNotFound() {
        String id = c.createSandbox("\"credentialProxy\":{\"enabled\":true},\"networkPolicy\":{\"defaultAction\":"
                + "\"deny\",\"egress\":[{\"action\":\"allow\",\"target\":\"api.github.com\"}]}");
        TestClient.Endpoint ep = c.endpoint(id, 18080, false);
        assertThat(c.call(ep, "POST", "/credential-vault", vault("[\"api.github.com\"]", ""))
                        .statusCode())
                .isEqualTo(201);
        // vault.go: only the vault's absence is a 404 and a revision mismatch a 409; every other refusal is a 400
        assertPlain(
                c.call(ep, "PATCH", "/credential-vault", "{\"credentials\":{\"delete\":[\"nope\"]}}"),
                400,
                "credential \"nope\" does not exist");
        assertPlain(
                c.call(ep, "PATCH", "/credential-vault", "{\"credentials\":{\"add\":[" + CRED + "]}}"),
                400,
                "credential \"gh\" already exists");
        assertPlain(
                c.call(ep, "PATCH", "/credential-vault", "{\"expectedRevision\":9}"),
                409,
                "expectedRevision 9 does not match current revision 1");
        // vault.go normalizeMatch stores (and reports) the defaults of an incomplete match
        HttpResponse<String> binding = c.call(ep, "GET", "/credential-vault/bindings/b", null);
        assertThat(TestClient.json(binding).path("match").toString())
                .isEqualTo("{\"schemes\":[\"https\"],\"ports\":[443],\"hosts\":[\"api.github.com\"],"
                        + "\"methods\":[\"GET\",\"POST\",\"PUT\",\"PATCH\",\"DELETE\"],\"paths\":[\"/*\"]}");
        assertPlain(c.call(ep, "GET", "/credential-vault/credentials/nope", null), 404, "credential not found");
        assertPlain(c.call(ep, "GET", "/credential-vault/bindings/nope", null), 404, "binding not found");
        assertPlain(c.call(ep, "GET", "/credential-vault/other", null), 404, "not found");
        c.api("DELETE", "/sandboxes/" + id, null);
    }
}
