package io.opensandbox.network;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallOutcome;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.testing.CallRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The call listener on egress and Credential Vault calls: names, outcomes, retries, threads and no secret. */
@Timeout(30)
class NetworkCallListenerWireTest {
    private static final String PREFIX = SidecarServer.PREFIX;
    private static final String STATUS_JSON =
            "{\"status\":\"ok\",\"mode\":\"deny_all\",\"policy\":{\"defaultAction\":\"deny\",\"egress\":[]}}";
    private static final String VAULT_JSON = "{\"revision\":3,\"credentials\":[],\"bindings\":[]}";
    private static final String VALUE = "ghp_credential-value-5d1e";
    private static WireMockServer server;

    @BeforeAll
    static void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    private static DirectHandle handle(CallListener listener, RetryPolicy retries) {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .apiKey(SidecarServer.API_KEY)
                .retryPolicy(retries)
                .callListener(listener)
                .build();
        return DirectHandle.of(
                "sbx-net",
                config,
                Map.of(
                        SandboxHandle.EGRESS_PORT,
                        Endpoint.of(
                                "127.0.0.1:" + server.port() + PREFIX,
                                Map.of(SidecarServer.AUTH_HEADER, SidecarServer.AUTH_TOKEN))));
    }

    private static RetryPolicy quickRetries() {
        return RetryPolicy.builder()
                .maxRetries(2)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(20))
                .build();
    }

    @Test
    void everyEgressAndVaultOperation_isOneNamedCall_withStatusBytesAndNoSecret() throws InterruptedException {
        server.stubFor(get(urlEqualTo(PREFIX + "/policy")).willReturn(okJson(STATUS_JSON)));
        server.stubFor(patch(urlEqualTo(PREFIX + "/policy")).willReturn(okJson(STATUS_JSON)));
        server.stubFor(delete(urlEqualTo(PREFIX + "/policy")).willReturn(okJson(STATUS_JSON)));
        server.stubFor(post(urlEqualTo(PREFIX + "/credential-vault")).willReturn(okJson(VAULT_JSON)));
        server.stubFor(get(urlEqualTo(PREFIX + "/credential-vault")).willReturn(okJson(VAULT_JSON)));
        server.stubFor(patch(urlEqualTo(PREFIX + "/credential-vault")).willReturn(okJson(VAULT_JSON)));
        server.stubFor(delete(urlEqualTo(PREFIX + "/credential-vault"))
                .willReturn(aResponse().withStatus(204)));
        server.stubFor(get(urlEqualTo(PREFIX + "/credential-vault/credentials"))
                .willReturn(okJson("{\"revision\":3,\"credentials\":[]}")));
        server.stubFor(get(urlPathMatching(PREFIX + "/credential-vault/credentials/.+"))
                .willReturn(okJson("{\"name\":\"gh\",\"sourceType\":\"inline\",\"revision\":1}")));
        server.stubFor(get(urlEqualTo(PREFIX + "/credential-vault/bindings"))
                .willReturn(okJson("{\"revision\":3,\"bindings\":[]}")));
        server.stubFor(get(urlPathMatching(PREFIX + "/credential-vault/bindings/.+"))
                .willReturn(okJson("{\"name\":\"b\",\"revision\":2}")));
        CallRecorder recorder = new CallRecorder();
        String testThread = Thread.currentThread().getName();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            Egress egress = Egress.of(handle);
            CredentialVault vault = CredentialVault.of(handle);
            egress.getEgressPolicy();
            egress.patchEgressRules(EgressRule.allow("pypi.org"));
            egress.deleteEgressRules("pypi.org");
            vault.create(
                    List.of(Credential.inline("gh", VALUE)),
                    List.of(CredentialBinding.of(
                            "b", CredentialMatch.forHosts("api.github.com"), CredentialAuth.bearer("gh"))));
            vault.get();
            vault.patch(CredentialVaultPatch.builder()
                    .replaceCredential(Credential.inline("gh", VALUE))
                    .build());
            vault.delete();
            vault.listCredentials();
            vault.getCredential("gh");
            vault.listBindings();
            vault.getBinding("b");
        }
        recorder.awaitEnds(11);
        assertThat(recorder.operations())
                .containsExactly(
                        "egress.getPolicy",
                        "egress.patchRules",
                        "egress.deleteRules",
                        "vault.create",
                        "vault.get",
                        "vault.patch",
                        "vault.delete",
                        "vault.listCredentials",
                        "vault.getCredential",
                        "vault.listBindings",
                        "vault.getBinding");
        assertThat(recorder.ends).allSatisfy(end -> {
            assertThat(end.outcome()).isEqualTo(CallOutcome.SUCCESS);
            assertThat(end.sandboxId()).contains("sbx-net");
            assertThat(end.attempts()).isEqualTo(1);
            assertThat(end.duration()).isPositive();
        });
        assertThat(recorder.end("egress.getPolicy").status()).hasValue(200);
        assertThat(recorder.end("egress.getPolicy").bytesReceived()).isEqualTo(STATUS_JSON.length());
        assertThat(recorder.end("egress.patchRules").bytesSent()).isPositive();
        assertThat(recorder.end("vault.create").bytesSent()).isPositive(); // the value went out, not to the listener
        assertThat(recorder.end("vault.delete").status()).hasValue(204);
        assertThat(recorder.onlyOn(testThread)).as(recorder.threads.toString()).isTrue();
        assertThat(recorder.told())
                .doesNotContain(VALUE)
                .doesNotContain(SidecarServer.AUTH_TOKEN)
                .doesNotContain(SidecarServer.API_KEY);
    }

    @Test
    void aFailedCall_endsAsFailure_withItsStatusAndExceptionType() throws InterruptedException {
        server.stubFor(get(urlEqualTo(PREFIX + "/credential-vault/credentials/missing"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"NOT_FOUND\",\"message\":\"no credential missing\"}")));
        CallRecorder recorder = new CallRecorder();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            assertThatThrownBy(() -> CredentialVault.of(handle).getCredential("missing"))
                    .isInstanceOf(NotFoundException.class);
        }
        recorder.awaitEnds(1);
        CallEnd end = recorder.end("vault.getCredential");
        assertThat(end.outcome()).isEqualTo(CallOutcome.FAILURE);
        assertThat(end.status()).hasValue(404);
        assertThat(end.failure()).get().isInstanceOf(NotFoundException.class);
        assertThat(recorder.told()).doesNotContain(SidecarServer.AUTH_TOKEN).doesNotContain(SidecarServer.API_KEY);
    }

    @Test
    void aRetried503_isOneCallOfTwoAttempts() throws InterruptedException {
        server.stubFor(get(urlEqualTo(PREFIX + "/policy"))
                .inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0"))
                .willSetStateTo("up"));
        server.stubFor(get(urlEqualTo(PREFIX + "/policy"))
                .inScenario("busy")
                .whenScenarioStateIs("up")
                .willReturn(okJson(STATUS_JSON)));
        CallRecorder recorder = new CallRecorder();
        String testThread = Thread.currentThread().getName();
        try (DirectHandle handle = handle(recorder, quickRetries())) {
            assertThat(Egress.of(handle).getEgressPolicy().status()).contains("ok");
        }
        recorder.awaitEnds(1);
        assertThat(recorder.events)
                .containsExactly(
                        "start egress.getPolicy sbx-net", "attempt 1", "attempt 2", "end egress.getPolicy SUCCESS");
        CallEnd end = recorder.end("egress.getPolicy");
        assertThat(end.attempts()).isEqualTo(2);
        assertThat(end.retries()).isEqualTo(1);
        assertThat(end.status()).hasValue(200);
        assertThat(recorder.onlyOn(testThread)).as(recorder.threads.toString()).isTrue();
    }

    @Test
    void aListenerThatThrowsEverywhere_breaksNoCall() {
        server.stubFor(get(urlEqualTo(PREFIX + "/policy")).willReturn(okJson(STATUS_JSON)));
        for (CallListener listener : CallRecorder.hostile()) {
            try (DirectHandle handle = handle(listener, RetryPolicy.disabled())) {
                assertThat(Egress.of(handle).getEgressPolicy().status()).contains("ok");
            }
        }
    }
}
