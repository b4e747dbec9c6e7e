package io.opensandbox.network;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full Credential Vault flow with {@code debug(true)}: credential values must reach the request bodies and nothing
 * else (log lines, {@code toString()} of every object produced, exception messages and stack traces), even when the
 * sidecar echoes a value back in an error.
 */
class SecretLeakTest {
    @RegisterExtension
    static final SidecarServer SIDECAR = new SidecarServer(true);

    private static final String VAULT = SidecarServer.PREFIX + "/credential-vault";
    private static final String SECRET_ONE = "s3cr3t-VALUE-one-4b1d";
    private static final String SECRET_TWO = "s3cr3t-VALUE-two-77ea";
    private static final String SECRET_ROTATED = "s3cr3t-VALUE-rotated-c0de";
    private static final List<String> BODIES = new ArrayList<>();
    private static final List<String> SECRETS = List.of(SECRET_ONE, SECRET_TWO, SECRET_ROTATED);
    private static final String STATE = "{\"revision\":2,"
            + "\"credentials\":[{\"name\":\"one\",\"sourceType\":\"inline\",\"revision\":1},"
            + "{\"name\":\"two\",\"sourceType\":\"inline\",\"revision\":2}],"
            + "\"bindings\":[{\"name\":\"b\",\"revision\":2,\"match\":{\"hosts\":[\"api.x.io\"]},"
            + "\"auth\":{\"type\":\"apiKey\",\"name\":\"X-Key\"}}]}";

    @Test
    void vaultFlowWithDebugOn_neverPrintsACredentialValue() {
        stubHappyPath();
        List<String> seen = new ArrayList<>();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            runFlow(seen);
        } finally {
            System.err.flush();
            System.setErr(original);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);

        // The capture works and debug logging is on: every request line is there, headers redacted.
        assertThat(logs)
                .contains("--> POST http://127.0.0.1:")
                .contains("--> PATCH ")
                .contains("--> DELETE ");
        assertThat(logs).contains("<redacted>").doesNotContain(SidecarServer.AUTH_TOKEN);
        // The values did go over the wire, in the bodies.
        recordBodies();
        assertThat(String.join("\n", BODIES)).contains(SECRET_ONE, SECRET_TWO, SECRET_ROTATED);
        // ... and nowhere else.
        assertThat(seen).hasSizeGreaterThan(20);
        assertThat(logs).contains("created the Credential Vault of sandbox sbx-test");
        assertThat(seen)
                .filteredOn(text -> text.contains("invalid credential value \"<redacted>\" and <redacted>"))
                .hasSizeGreaterThanOrEqualTo(4 * 4);
        for (String secret : SECRETS) {
            assertThat(logs).doesNotContain(secret);
            assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(secret));
        }
    }

    private static void runFlow(List<String> seen) {
        CredentialVault vault = CredentialVault.of(SIDECAR.handle());
        Credential one = Credential.inline("one", SECRET_ONE);
        Credential two = Credential.inline("two", SECRET_TWO);
        Credential rotated = Credential.inline("one", SECRET_ROTATED);
        CredentialBinding binding =
                CredentialBinding.of("b", CredentialMatch.forHosts("api.x.io"), CredentialAuth.apiKey("X-Key", "two"));
        CredentialVaultPatch patch = CredentialVaultPatch.builder()
                .expectedRevision(1)
                .replaceCredential(rotated)
                .addCredential(two)
                .addBinding(binding)
                .build();
        seen.add(one.toString());
        seen.add(two.toString());
        seen.add(rotated.toString());
        seen.add(binding.toString());
        seen.add(patch.toString());
        seen.add(patch.replaceCredentials().toString());
        seen.add(Convert.create(List.of(one, two), List.of(binding)).toString());
        seen.add(Convert.patch(patch).toString());
        seen.add(vault.toString());

        seen.add(vault.create(List.of(one), List.of()).toString());
        seen.add(vault.get().toString());
        seen.add(vault.patch(patch).toString());
        seen.add(vault.listCredentials().toString());
        seen.add(vault.getCredential("one").toString());
        seen.add(vault.listBindings().toString());
        seen.add(vault.getBinding("b").toString());
        vault.delete();

        // The sidecar echoes values the failing request sent back in its error text: 409, 400, 500 (the generic
        // path) and 426. Only the failing request's own values are known to the SDK and scrubbed.
        echoError("POST", 409, SECRET_ONE, SECRET_TWO);
        addFailure(seen, catchThrowable(() -> vault.create(List.of(one, two), List.of(binding))));
        echoError("PATCH", 400, SECRET_ROTATED, SECRET_TWO);
        addFailure(seen, catchThrowable(() -> vault.patch(patch)));
        echoError("PATCH", 500, SECRET_ROTATED, SECRET_TWO);
        addFailure(seen, catchThrowable(() -> vault.patch(patch)));
        echoError("PATCH", 426, SECRET_ROTATED, SECRET_TWO);
        addFailure(seen, catchThrowable(() -> vault.patch(patch)));
    }

    private static void addFailure(List<String> seen, Throwable failure) {
        assertThat(failure).isNotNull();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        seen.add(trace.toString());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            seen.add(String.valueOf(t.getMessage()));
            seen.add(t.toString());
        }
        if (failure instanceof io.opensandbox.api.SandboxException sandbox) {
            seen.add(sandbox.error().toString());
        }
    }

    private static void recordBodies() {
        SIDECAR.server().getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .map(request -> request.getBodyAsString())
                .forEach(BODIES::add);
    }

    private static void echoError(String method, int status, String echoed, String alsoEchoed) {
        recordBodies();
        SIDECAR.server().resetAll();
        var body = aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "text/plain")
                .withBody("invalid credential value \"" + echoed + "\" and " + alsoEchoed + "\n");
        SIDECAR.server()
                .stubFor(
                        method.equals("POST")
                                ? post(urlEqualTo(VAULT)).willReturn(body)
                                : patch(urlEqualTo(VAULT)).willReturn(body));
    }

    private static void stubHappyPath() {
        SIDECAR.server()
                .stubFor(post(urlEqualTo(VAULT))
                        .willReturn(aResponse()
                                .withStatus(201)
                                .withHeader("Content-Type", "application/json")
                                .withBody(STATE)));
        SIDECAR.server().stubFor(get(urlEqualTo(VAULT)).willReturn(okJson(STATE)));
        SIDECAR.server().stubFor(patch(urlEqualTo(VAULT)).willReturn(okJson(STATE)));
        SIDECAR.server()
                .stubFor(delete(urlEqualTo(VAULT)).willReturn(aResponse().withStatus(204)));
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/credentials"))
                        .willReturn(
                                okJson("{\"revision\":2,\"credentials\":[{\"name\":\"one\",\"sourceType\":\"inline\","
                                        + "\"revision\":1}]}")));
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/credentials/one"))
                        .willReturn(okJson("{\"name\":\"one\",\"sourceType\":\"inline\",\"revision\":1}")));
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/bindings"))
                        .willReturn(okJson("{\"revision\":2,\"bindings\":[{\"name\":\"b\",\"revision\":2}]}")));
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/bindings/b")).willReturn(okJson("{\"name\":\"b\",\"revision\":2}")));
    }
}
