package io.opensandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.EgressAction;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network module against the testkit's egress sidecar, reached through a real {@link Sandbox}: the endpoint of
 * port 18080 with its {@code OPENSANDBOX-EGRESS-AUTH} header, never the lifecycle API key.
 */
class NetworkEndToEndTest {
    private static final String API_KEY = "e2e-lifecycle-key-5d21";

    @RegisterExtension
    static final LocalSandboxExtension SANDBOXES = LocalSandboxExtension.withApiKey(API_KEY);

    private static final String SECRET_GH = "ghp_e2eSECRET-first-0a1b2c";
    private static final String SECRET_GH_ROTATED = "ghp_e2eSECRET-rotated-3d4e5f";
    private static final String SECRET_KEY = "sk-e2eSECRET-apikey-6a7b8c";
    private static final List<String> SECRETS = List.of(SECRET_GH, SECRET_GH_ROTATED, SECRET_KEY);

    private static final NetworkPolicy ALLOW_APIS = NetworkPolicy.denyByDefault(
            EgressRule.allow("pypi.org"), EgressRule.allow("api.github.com"), EgressRule.allow("api.example.com"));

    private final ConnectionConfig config;
    private final LocalSandboxServer server;

    NetworkEndToEndTest(ConnectionConfig config, LocalSandboxServer server) {
        this.config = config;
        this.server = server;
    }

    @AfterEach
    void lifecycleApiKeyNeverReachedTheSidecar() {
        assertThat(server.leakedApiKeyRequests()).isZero();
    }

    private Sandbox create(ConnectionConfig connection, NetworkPolicy policy) {
        return Sandbox.builder()
                .image("python:3.12")
                .networkPolicy(policy)
                .credentialProxy(true)
                .killOnClose(true)
                .connectionConfig(connection)
                .create();
    }

    // ---------------------------------------------------------------- policy

    @Test
    void creationTimePolicy_isReadBackThroughTheSidecar() {
        try (Sandbox sandbox = create(config, NetworkPolicy.denyByDefault(EgressRule.allow("pypi.org")))) {
            EgressPolicyStatus status = Egress.of(sandbox).getEgressPolicy();

            assertThat(status.policy()).contains(NetworkPolicy.denyByDefault(EgressRule.allow("pypi.org")));
            assertThat(status.status()).contains("ok");
            assertThat(status.mode())
                    .hasValueSatisfying(mode -> assertThat(mode).isNotBlank());
            assertThat(status.enforcementMode())
                    .hasValueSatisfying(mode -> assertThat(mode).isNotBlank());
            assertThat(status.rawDefaultAction()).contains("deny");
            assertThat(status.rawRuleActions()).containsExactly("allow");
        }
    }

    @Test
    void patch_incomingRulesWin_firstDuplicateWins_defaultActionKept() {
        try (Sandbox sandbox = create(
                config, NetworkPolicy.denyByDefault(EgressRule.allow("pypi.org"), EgressRule.allow("github.com")))) {
            Egress egress = Egress.of(sandbox);

            EgressPolicyStatus patched = egress.patchEgressRules(
                    EgressRule.deny("pypi.org"), EgressRule.allow("example.com"), EgressRule.deny("example.com"));

            NetworkPolicy policy = patched.policy().orElseThrow();
            assertThat(policy.defaultAction()).isEqualTo(EgressAction.DENY);
            // Rules are evaluated in order and incoming ones take priority: they come first.
            assertThat(policy.egress())
                    .containsExactly(
                            EgressRule.deny("pypi.org"),
                            EgressRule.allow("example.com"),
                            EgressRule.allow("github.com"));
            assertThat(egress.getEgressPolicy().policy()).contains(policy);
        }
    }

    @Test
    void patch_onAnAllowByDefaultPolicy_keepsAllow() {
        try (Sandbox sandbox = create(config, NetworkPolicy.allowByDefault(EgressRule.deny("bad.example.com")))) {
            Egress egress = Egress.of(sandbox);

            NetworkPolicy policy = egress.patchEgressRules(List.of(EgressRule.deny("*.blocked.org")))
                    .policy()
                    .orElseThrow();

            assertThat(policy.defaultAction()).isEqualTo(EgressAction.ALLOW);
            assertThat(policy.egress())
                    .containsExactly(EgressRule.deny("*.blocked.org"), EgressRule.deny("bad.example.com"));
        }
    }

    @Test
    void delete_removesTheTargetsSentInTheBody_ignoresUnknownOnes() {
        try (Sandbox sandbox = create(config, ALLOW_APIS)) {
            Egress egress = Egress.of(sandbox);
            egress.patchEgressRules(EgressRule.deny("*.blocked.org"));

            EgressPolicyStatus deleted = egress.deleteEgressRules("pypi.org", "*.blocked.org", "never-added.example");

            NetworkPolicy policy = deleted.policy().orElseThrow();
            assertThat(policy.defaultAction()).isEqualTo(EgressAction.DENY);
            assertThat(policy.egress())
                    .containsExactly(EgressRule.allow("api.github.com"), EgressRule.allow("api.example.com"));
            // Idempotent: deleting again changes nothing.
            assertThat(egress.deleteEgressRules(List.of("pypi.org")).policy()).contains(policy);
            assertThat(egress.getEgressPolicy().policy()).contains(policy);
        }
    }

    // ---------------------------------------------------------------- vault

    @Test
    void vault_createGetPatchConflictListDelete_keepsRevisions() {
        try (Sandbox sandbox = create(config, ALLOW_APIS)) {
            CredentialVault vault = CredentialVault.of(sandbox);

            CredentialVaultState created = vault.create(
                    List.of(Credential.inline("gh-token", SECRET_GH)),
                    List.of(CredentialBinding.of(
                            "github", CredentialMatch.forHosts("api.github.com"), CredentialAuth.bearer("gh-token"))));
            assertThat(created.revision()).isEqualTo(1);
            assertThat(created.credential("gh-token").orElseThrow().revision()).isEqualTo(1);
            assertThat(created.credential("gh-token").orElseThrow().sourceType())
                    .isEqualTo("inline");
            CredentialBindingMetadata github = created.binding("github").orElseThrow();
            assertThat(github.auth().orElseThrow().type()).isEqualTo(AuthType.BEARER);
            assertThat(github.match().orElseThrow().hosts()).containsExactly("api.github.com");
            assertThat(github.match().orElseThrow().effectivePorts()).isEqualTo(CredentialMatch.DEFAULT_PORTS);
            assertThat(vault.get()).isEqualTo(created);

            ConflictException exists = (ConflictException)
                    catchThrowable(() -> vault.create(List.of(Credential.inline("other", SECRET_KEY)), List.of()));
            assertThat(exists.statusCode()).isEqualTo(409);
            assertThat(exists.error().code()).isEqualTo(EgressErrorCodes.CONFLICT);

            CredentialVaultState patched = vault.patch(CredentialVaultPatch.builder()
                    .expectedRevision(created.revision())
                    .replaceCredential(Credential.inline("gh-token", SECRET_GH_ROTATED))
                    .addCredential(Credential.inline("example-key", SECRET_KEY))
                    .addBinding(CredentialBinding.of(
                            "example",
                            CredentialMatch.builder()
                                    .hosts("api.example.com")
                                    .methods("GET", "POST")
                                    .paths("/v1/*")
                                    .build(),
                            CredentialAuth.apiKey("X-Api-Key", "example-key")))
                    .build());
            assertThat(patched.revision()).isEqualTo(2);
            assertThat(patched.credential("gh-token").orElseThrow().revision()).isEqualTo(2);

            CredentialVaultPatch stale = CredentialVaultPatch.builder()
                    .expectedRevision(created.revision())
                    .deleteBinding("example")
                    .build();
            Throwable conflict = catchThrowable(() -> vault.patch(stale));
            assertThat(conflict).isInstanceOf(ConflictException.class);
            assertThat(((SandboxApiException) conflict).statusCode()).isEqualTo(409);
            assertThat(((SandboxApiException) conflict).error().code()).isEqualTo(EgressErrorCodes.CONFLICT);
            assertThat(conflict.getMessage()).contains("revision 1").contains("expectedRevision(state.revision())");
            assertThat(vault.get().revision()).isEqualTo(2);

            RevisionedList<CredentialMetadata> credentials = vault.listCredentials();
            assertThat(credentials.revision()).isEqualTo(2);
            assertThat(credentials.items())
                    .extracting(CredentialMetadata::name)
                    .containsExactlyInAnyOrder("gh-token", "example-key");
            assertThat(vault.getCredential("example-key").revision()).isEqualTo(2);
            assertThat(vault.getCredential("gh-token"))
                    .isEqualTo(patched.credential("gh-token").orElseThrow());

            RevisionedList<CredentialBindingMetadata> bindings = vault.listBindings();
            assertThat(bindings.revision()).isEqualTo(2);
            assertThat(bindings.items())
                    .extracting(CredentialBindingMetadata::name)
                    .containsExactlyInAnyOrder("github", "example");
            CredentialBindingMetadata example = vault.getBinding("example");
            assertThat(example.auth().orElseThrow().type()).isEqualTo(AuthType.API_KEY);
            assertThat(example.auth().orElseThrow().name()).contains("X-Api-Key");
            assertThat(example.match().orElseThrow().effectiveMethods()).containsExactly("GET", "POST");
            assertThat(example.match().orElseThrow().effectivePaths()).containsExactly("/v1/*");
            assertThat(example).isEqualTo(patched.binding("example").orElseThrow());

            // The sidecar's own refusals, with what to do next.
            Throwable missing = catchThrowable(() -> vault.patch(CredentialVaultPatch.builder()
                    .replaceCredential(Credential.inline("never-added", SECRET_KEY))
                    .build()));
            assertThat(missing).isInstanceOf(SandboxApiException.class);
            assertThat(((SandboxApiException) missing).statusCode()).isIn(400, 404);
            assertThat(missing.getMessage())
                    .contains("never-added")
                    .containsAnyOf("does not exist", "refer to credentials");
            Throwable dangling = catchThrowable(() -> vault.patch(CredentialVaultPatch.builder()
                    .addBinding(CredentialBinding.of(
                            "dangling",
                            CredentialMatch.forHosts("pypi.org"),
                            CredentialAuth.basic("no-such-credential")))
                    .build()));
            assertThat(((SandboxApiException) dangling).statusCode()).isEqualTo(400);
            assertThat(((SandboxApiException) dangling).error().code()).isEqualTo(EgressErrorCodes.BAD_REQUEST);
            assertThat(dangling.getMessage()).contains("no-such-credential").contains("refer to credentials");
            assertThat(vault.get().revision()).isEqualTo(2);

            NotFoundException noCredential = (NotFoundException) catchThrowable(() -> vault.getCredential("nope"));
            assertThat(noCredential.statusCode()).isEqualTo(404);
            assertThat(noCredential.getMessage()).contains("listCredentials()");

            vault.delete();
            for (Runnable call : List.<Runnable>of(
                    vault::get,
                    vault::delete,
                    vault::listCredentials,
                    vault::listBindings,
                    () -> vault.getBinding("github"))) {
                Throwable gone = catchThrowable(call::run);
                assertThat(gone).isInstanceOf(NotFoundException.class);
                assertThat(((SandboxApiException) gone).statusCode()).isEqualTo(404);
                assertThat(((SandboxApiException) gone).error().code()).isEqualTo(EgressErrorCodes.NOT_FOUND);
            }
        }
    }

    @Test
    void vault_namesWithSpacesAndNonAsciiCharacters_areOnePathSegment() {
        try (Sandbox sandbox = create(config, ALLOW_APIS)) {
            CredentialVault vault = CredentialVault.of(sandbox);
            String credential = "team token ü+1";
            String binding = "github #1";
            vault.create(
                    List.of(Credential.inline(credential, SECRET_GH)),
                    List.of(CredentialBinding.of(
                            binding, CredentialMatch.forHosts("api.github.com"), CredentialAuth.bearer(credential))));

            assertThat(vault.getCredential(credential).name()).isEqualTo(credential);
            assertThat(vault.getBinding(binding).name()).isEqualTo(binding);
            assertThat(catchThrowable(() -> vault.getCredential("team token"))).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void vault_readBeforeCreate_answers404WithAHint() {
        try (Sandbox sandbox = create(config, ALLOW_APIS)) {
            Throwable none = catchThrowable(() -> CredentialVault.of(sandbox).get());
            assertThat(none).isInstanceOf(NotFoundException.class).hasMessageContaining("create one first");
            assertThat(((SandboxApiException) none).error().code()).isEqualTo(EgressErrorCodes.NOT_FOUND);
        }
    }

    @Test
    void vaultFlowWithDebugOn_neverShowsASecret_inResponsesLogsMessagesOrToString() throws Exception {
        ConnectionConfig debug = config.toBuilder().debug(true).build();
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Sandbox sandbox = create(debug, ALLOW_APIS)) {
            runSecretFlow(sandbox, seen);
            seen.addAll(rawVaultResponses(sandbox));
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);

        // Debug logging was on and captured: the vault calls are there.
        assertThat(logs)
                .contains("--> POST ")
                .contains("--> PATCH ")
                .contains("--> DELETE ")
                .contains("/credential-vault");
        assertThat(logs).contains("created the Credential Vault of sandbox");
        assertThat(seen).hasSizeGreaterThan(30);
        for (String secret : SECRETS) {
            assertThat(logs).doesNotContain(secret);
            assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(secret));
        }
    }

    private static void runSecretFlow(Sandbox sandbox, List<String> seen) {
        CredentialVault vault = CredentialVault.of(sandbox);
        Credential gh = Credential.inline("gh-token", SECRET_GH);
        Credential rotated = Credential.inline("gh-token", SECRET_GH_ROTATED);
        Credential key = Credential.inline("example-key", SECRET_KEY);
        CredentialBinding github = CredentialBinding.of(
                "github", CredentialMatch.forHosts("api.github.com"), CredentialAuth.bearer("gh-token"));
        CredentialBinding example = CredentialBinding.of(
                "example",
                CredentialMatch.forHosts("api.example.com"),
                CredentialAuth.customHeaders(Map.of("X-Api-Key", "example-key", "X-Other", "gh-token")));
        CredentialVaultPatch patch = CredentialVaultPatch.builder()
                .expectedRevision(1)
                .replaceCredential(rotated)
                .addCredential(key)
                .addBinding(example)
                .build();
        for (Object value : List.of(gh, rotated, key, github, example, patch, vault)) {
            seen.add(value.toString());
        }

        CredentialVaultState created = vault.create(List.of(gh), List.of(github));
        seen.add(created.toString());
        seen.add(vault.get().toString());
        seen.add(vault.patch(patch).toString());
        seen.add(vault.listCredentials().toString());
        seen.add(vault.getCredential("gh-token").toString());
        seen.add(vault.getCredential("example-key").toString());
        seen.add(vault.listBindings().toString());
        seen.add(vault.getBinding("example").toString());

        // Failures of requests that carry secrets: a stale revision, a name clash, a binding to a missing credential.
        addFailure(seen, catchThrowable(() -> vault.patch(patch)));
        addFailure(seen, catchThrowable(() -> vault.create(List.of(gh, key), List.of())));
        addFailure(
                seen,
                catchThrowable(() -> vault.patch(CredentialVaultPatch.builder()
                        .addCredential(Credential.inline("gh-token", SECRET_GH))
                        .build())));
        addFailure(
                seen,
                catchThrowable(() -> vault.patch(CredentialVaultPatch.builder()
                        .replaceCredential(Credential.inline("missing", SECRET_KEY))
                        .build())));
        addFailure(
                seen,
                catchThrowable(() -> vault.patch(CredentialVaultPatch.builder()
                        .addBinding(CredentialBinding.of(
                                "dangling",
                                CredentialMatch.forHosts("api.github.com"),
                                CredentialAuth.basic("missing")))
                        .build())));
        seen.add(vault.get().toString());
        vault.delete();
        addFailure(seen, catchThrowable(() -> vault.patch(patch)));
    }

    /**
     * Every vault call, raw, with the endpoint's headers: the sidecar's own answers (writes, reads and errors) carry no
     * value either, even ones the SDK would drop while parsing.
     */
    private static List<String> rawVaultResponses(Sandbox sandbox) throws Exception {
        Endpoint endpoint = sandbox.endpoint(SandboxHandle.EGRESS_PORT);
        Map<String, String> headers = endpoint.headers();
        String credentials = "[{\"name\":\"gh-token\",\"source\":{\"type\":\"inline\",\"value\":\"" + SECRET_GH
                + "\"}},{\"name\":\"example-key\",\"source\":{\"type\":\"inline\",\"value\":\"" + SECRET_KEY
                + "\"}}]";
        String bindings = "[{\"name\":\"example\",\"match\":{\"hosts\":[\"api.example.com\"]},"
                + "\"auth\":{\"type\":\"apiKey\",\"name\":\"X-Key\",\"credential\":\"example-key\"}}]";
        List<HttpResponse<String>> responses = new ArrayList<>();
        responses.add(raw(
                endpoint,
                "POST",
                "/credential-vault",
                "{\"credentials\":" + credentials + ",\"bindings\":" + bindings + "}",
                headers));
        responses.add(raw(
                endpoint,
                "PATCH",
                "/credential-vault",
                "{\"expectedRevision\":1,\"credentials\":"
                        + "{\"replace\":[{\"name\":\"gh-token\",\"source\":{\"type\":\"inline\",\"value\":\""
                        + SECRET_GH_ROTATED + "\"}}]}}",
                headers));
        for (String path : List.of(
                "/credential-vault",
                "/credential-vault/credentials",
                "/credential-vault/credentials/gh-token",
                "/credential-vault/credentials/example-key",
                "/credential-vault/bindings",
                "/credential-vault/bindings/example")) {
            responses.add(raw(endpoint, "GET", path, null, headers));
        }
        assertThat(responses)
                .allSatisfy(response -> assertThat(response.statusCode())
                        .as(response.request().method() + " " + response.uri())
                        .isBetween(200, 201));
        // Refused writes echo nothing either: a stale revision, a clashing name, a vault that already exists.
        responses.add(raw(
                endpoint,
                "PATCH",
                "/credential-vault",
                "{\"expectedRevision\":1,\"credentials\":"
                        + "{\"replace\":[{\"name\":\"gh-token\",\"source\":{\"type\":\"inline\",\"value\":\""
                        + SECRET_GH + "\"}}]}}",
                headers));
        responses.add(raw(
                endpoint, "PATCH", "/credential-vault", "{\"credentials\":{\"add\":" + credentials + "}}", headers));
        responses.add(raw(
                endpoint,
                "POST",
                "/credential-vault",
                "{\"credentials\":" + credentials + ",\"bindings\":[]}",
                headers));
        assertThat(responses.subList(responses.size() - 3, responses.size()))
                .allSatisfy(response -> assertThat(response.statusCode()).isBetween(400, 499));
        responses.add(raw(endpoint, "DELETE", "/credential-vault", null, headers));

        List<String> bodies = responses.stream().map(HttpResponse::body).toList();
        assertThat(String.join("\n", bodies))
                .contains("gh-token", "example-key", "X-Key", "does not match current revision");
        return bodies;
    }

    private static void addFailure(List<String> seen, Throwable failure) {
        assertThat(failure).isInstanceOf(SandboxApiException.class);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        seen.add(trace.toString());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            seen.add(String.valueOf(t.getMessage()));
            seen.add(t.toString());
        }
        seen.add(((SandboxException) failure).error().toString());
    }

    // ---------------------------------------------------------------- auth

    @Test
    void egressAuthHeader_isRequired_andTheSdkSendsIt() throws Exception {
        try (Sandbox sandbox = create(config, ALLOW_APIS)) {
            Endpoint endpoint = sandbox.endpoint(SandboxHandle.EGRESS_PORT);
            assertThat(endpoint.headers()).containsKey("OPENSANDBOX-EGRESS-AUTH");

            assertThat(raw(endpoint, "/policy", Map.of()).statusCode()).isEqualTo(401);
            assertThat(raw(endpoint, "/policy", Map.of("OPENSANDBOX-EGRESS-AUTH", "not-the-token"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(raw(endpoint, "/credential-vault", Map.of()).statusCode())
                    .isEqualTo(401);
            assertThat(raw(endpoint, "/policy", endpoint.headers()).statusCode())
                    .isEqualTo(200);

            // Through the SDK with an endpoint that lost its headers: a clear authentication failure.
            SandboxHandle headerless = headerless(sandbox);
            Throwable refused = catchThrowable(() -> Egress.of(headerless).getEgressPolicy());
            assertThat(refused).isInstanceOf(AuthenticationException.class);
            assertThat(((SandboxApiException) refused).statusCode()).isEqualTo(401);
            assertThat(((SandboxApiException) refused).error().code()).isEqualTo(EgressErrorCodes.UNAUTHORIZED);
            assertThat(refused.getMessage()).contains("OPENSANDBOX-EGRESS-AUTH");
            assertThat(catchThrowable(() -> CredentialVault.of(headerless).get()))
                    .isInstanceOf(AuthenticationException.class);

            // ... and with its headers, it works.
            assertThat(Egress.of(sandbox).getEgressPolicy().policy()).contains(ALLOW_APIS);
        }
    }

    @Test
    void throughTheServerProxy_withSecureAccess_everyEndpointHeaderIsSent() throws Exception {
        ConnectionConfig proxied = config.toBuilder().useServerProxy(true).build();
        try (Sandbox sandbox = Sandbox.builder()
                .image("python:3.12")
                .networkPolicy(ALLOW_APIS)
                .credentialProxy(true)
                .secureAccess(true)
                .killOnClose(true)
                .connectionConfig(proxied)
                .create()) {
            Endpoint endpoint = sandbox.endpoint(SandboxHandle.EGRESS_PORT);
            assertThat(endpoint.address()).contains("/proxy/18080");
            assertThat(endpoint.headers()).containsKeys("OPENSANDBOX-EGRESS-AUTH", "OpenSandbox-Secure-Access");
            // Each header is needed: without the secure-access one the sidecar refuses too.
            Map<String, String> egressOnly =
                    Map.of("OPENSANDBOX-EGRESS-AUTH", endpoint.headers().get("OPENSANDBOX-EGRESS-AUTH"));
            assertThat(raw(endpoint, "/policy", egressOnly).statusCode()).isEqualTo(401);
            Throwable refused =
                    catchThrowable(() -> Egress.of(headerless(sandbox)).getEgressPolicy());
            assertThat(refused).isInstanceOf(AuthenticationException.class);
            assertThat(refused.getMessage()).contains("OPENSANDBOX-EGRESS-AUTH", "OpenSandbox-Secure-Access");

            assertThat(Egress.of(sandbox).getEgressPolicy().policy()).contains(ALLOW_APIS);
            CredentialVault vault = CredentialVault.of(sandbox);
            assertThat(vault.create(List.of(Credential.inline("gh-token", SECRET_GH)), List.of())
                            .revision())
                    .isEqualTo(1);
            assertThat(vault.getCredential("gh-token").revision()).isEqualTo(1);
            vault.delete();
        }
    }

    private static HttpResponse<String> raw(Endpoint endpoint, String path, Map<String, String> headers)
            throws Exception {
        return raw(endpoint, "GET", path, null, headers);
    }

    private static HttpResponse<String> raw(
            Endpoint endpoint, String method, String path, @Nullable String json, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.url("http", path)))
                .method(
                        method,
                        json == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpClient client = HttpClient.newHttpClient();
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A handle to a sandbox whose egress endpoint comes without the headers the lifecycle server returned. */
    private static SandboxHandle headerless(Sandbox sandbox) {
        return DirectHandle.of(
                sandbox.id(),
                sandbox.connectionConfig(),
                Map.of(
                        SandboxHandle.EGRESS_PORT,
                        Endpoint.of(sandbox.endpoint(SandboxHandle.EGRESS_PORT).address(), Map.of())));
    }
}
