package io.opensandbox.network;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CredentialVaultWireTest {
    @RegisterExtension
    static final SidecarServer SIDECAR = new SidecarServer();

    private static final String VAULT = SidecarServer.PREFIX + "/credential-vault";
    private static final String STATE = "{\"revision\":3,"
            + "\"credentials\":[{\"name\":\"gh-token\",\"sourceType\":\"inline\",\"revision\":2}],"
            + "\"bindings\":[{\"name\":\"github\",\"revision\":3,"
            + "\"match\":{\"hosts\":[\"api.github.com\"],\"schemes\":[\"https\"],\"ports\":[443],"
            + "\"methods\":[\"GET\"],\"paths\":[\"/repos/*\"]},"
            + "\"auth\":{\"type\":\"bearer\"}}]}";

    private final CredentialVault vault = CredentialVault.of(SIDECAR.handle());

    private static RequestPatternBuilder sidecarHeaders(RequestPatternBuilder request) {
        return request.withHeader(SidecarServer.AUTH_HEADER, equalTo(SidecarServer.AUTH_TOKEN))
                .withHeader("OPEN-SANDBOX-API-KEY", absent());
    }

    private static void stubAll(int status, String body) {
        SIDECAR.server()
                .stubFor(any(anyUrl())
                        .willReturn(aResponse()
                                .withStatus(status)
                                .withHeader("Content-Type", "text/plain; charset=utf-8")
                                .withHeader("X-Request-ID", "req-" + status)
                                .withBody(body)));
    }

    @Test
    void create_sendsExactlyTheSpecFields_andReadsState() {
        SIDECAR.server()
                .stubFor(post(urlEqualTo(VAULT))
                        .willReturn(aResponse()
                                .withStatus(201)
                                .withHeader("Content-Type", "application/json")
                                .withBody(STATE)));

        CredentialVaultState state = vault.create(
                List.of(Credential.inline("gh-token", "ghp_value"), Credential.inline("basic-cred", "dXNlcjpwdw==")),
                List.of(
                        CredentialBinding.of(
                                "github",
                                CredentialMatch.forHosts("api.github.com"),
                                CredentialAuth.bearer("gh-token")),
                        CredentialBinding.of(
                                "internal",
                                CredentialMatch.builder()
                                        .hosts("*.corp.example")
                                        .schemes("http", "https")
                                        .ports(80, 8443)
                                        .methods("get", "POST")
                                        .paths("/api/*")
                                        .build(),
                                CredentialAuth.basic("basic-cred")),
                        CredentialBinding.of(
                                "keyed",
                                CredentialMatch.forHosts("api.x.io"),
                                CredentialAuth.apiKey("X-Api-Key", "gh-token")),
                        CredentialBinding.of(
                                "multi",
                                CredentialMatch.forHosts("m.io"),
                                CredentialAuth.customHeaders(Map.of("X-One", "gh-token")))));

        assertThat(state.revision()).isEqualTo(3);
        assertThat(state.credential("gh-token").orElseThrow().sourceType()).isEqualTo("inline");
        CredentialBindingMetadata binding = state.binding("github").orElseThrow();
        assertThat(binding.revision()).isEqualTo(3);
        assertThat(binding.auth().orElseThrow().type()).isEqualTo(AuthType.BEARER);
        CredentialMatch match = binding.match().orElseThrow();
        assertThat(match.hosts()).containsExactly("api.github.com");
        assertThat(match.paths()).contains(List.of("/repos/*"));
        SIDECAR.server()
                .verify(sidecarHeaders(postRequestedFor(urlEqualTo(VAULT)))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson(
                                "{\"credentials\":["
                                        + "{\"name\":\"gh-token\",\"source\":{\"type\":\"inline\",\"value\":\"ghp_value\"}},"
                                        + "{\"name\":\"basic-cred\",\"source\":{\"type\":\"inline\",\"value\":\"dXNlcjpwdw==\"}}],"
                                        + "\"bindings\":["
                                        + "{\"name\":\"github\",\"match\":{\"hosts\":[\"api.github.com\"]},"
                                        + "\"auth\":{\"type\":\"bearer\",\"credential\":\"gh-token\"}},"
                                        + "{\"name\":\"internal\",\"match\":{\"schemes\":[\"http\",\"https\"],"
                                        + "\"ports\":[80,8443],\"hosts\":[\"*.corp.example\"],"
                                        + "\"methods\":[\"GET\",\"POST\"],\"paths\":[\"/api/*\"]},"
                                        + "\"auth\":{\"type\":\"basic\",\"credential\":\"basic-cred\"}},"
                                        + "{\"name\":\"keyed\",\"match\":{\"hosts\":[\"api.x.io\"]},"
                                        + "\"auth\":{\"type\":\"apiKey\",\"name\":\"X-Api-Key\",\"credential\":\"gh-token\"}},"
                                        + "{\"name\":\"multi\",\"match\":{\"hosts\":[\"m.io\"]},"
                                        + "\"auth\":{\"type\":\"customHeaders\","
                                        + "\"headers\":[{\"name\":\"X-One\",\"credential\":\"gh-token\"}]}}]}",
                                false,
                                false)));
    }

    @Test
    void create_withNothing_sendsBothEmptyArrays() {
        SIDECAR.server()
                .stubFor(post(urlEqualTo(VAULT))
                        .willReturn(okJson("{\"revision\":1,\"credentials\":[],\"bindings\":[]}")));

        CredentialVaultState state = vault.create(List.of(), List.of());

        assertThat(state.revision()).isEqualTo(1);
        assertThat(state.credentials()).isEmpty();
        SIDECAR.server()
                .verify(postRequestedFor(urlEqualTo(VAULT))
                        .withRequestBody(equalToJson("{\"credentials\":[],\"bindings\":[]}", false, false)));
    }

    @Test
    void get_readsStateAndToleratesUnknownFieldsAndAuthTypes() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT))
                        .willReturn(okJson("{\"revision\":9,\"future\":true,"
                                + "\"credentials\":[{\"name\":\"c\",\"sourceType\":\"kms\",\"revision\":9,\"x\":1}],"
                                + "\"bindings\":[{\"name\":\"b\",\"revision\":8,\"auth\":{\"type\":\"oauth2\",\"name\":\"n\"}},"
                                + "{\"name\":\"bare\",\"revision\":7}]}")));

        CredentialVaultState state = vault.get();

        assertThat(state.revision()).isEqualTo(9);
        assertThat(state.credentials()).hasSize(1);
        assertThat(state.credentials().get(0).sourceType()).isEqualTo("kms");
        CredentialAuthMetadata auth = state.bindings().get(0).auth().orElseThrow();
        assertThat(auth.type()).isEqualTo(AuthType.UNKNOWN);
        assertThat(auth.rawType()).isEqualTo("oauth2");
        assertThat(auth.name()).contains("n");
        assertThat(state.binding("bare").orElseThrow().match()).isEmpty();
        assertThat(state.binding("bare").orElseThrow().auth()).isEmpty();
        SIDECAR.server().verify(sidecarHeaders(getRequestedFor(urlEqualTo(VAULT))));
    }

    @Test
    void patch_sendsOnlyTheOperationsGiven_withExpectedRevision() {
        SIDECAR.server().stubFor(patch(urlEqualTo(VAULT)).willReturn(okJson(STATE)));

        CredentialVaultState state = vault.patch(CredentialVaultPatch.builder()
                .expectedRevision(2)
                .replaceCredential(Credential.inline("gh-token", "ghp_new"))
                .deleteCredential("old")
                .addBinding(CredentialBinding.of(
                        "github", CredentialMatch.forHosts("api.github.com"), CredentialAuth.bearer("gh-token")))
                .build());

        assertThat(state.revision()).isEqualTo(3);
        SIDECAR.server()
                .verify(sidecarHeaders(patchRequestedFor(urlEqualTo(VAULT)))
                        .withRequestBody(equalToJson(
                                "{\"expectedRevision\":2,"
                                        + "\"credentials\":{\"replace\":[{\"name\":\"gh-token\","
                                        + "\"source\":{\"type\":\"inline\",\"value\":\"ghp_new\"}}],\"delete\":[\"old\"]},"
                                        + "\"bindings\":{\"add\":[{\"name\":\"github\","
                                        + "\"match\":{\"hosts\":[\"api.github.com\"]},"
                                        + "\"auth\":{\"type\":\"bearer\",\"credential\":\"gh-token\"}}]}}",
                                false,
                                false)));
    }

    @Test
    void patch_withoutRevisionOrBindings_omitsThem() {
        SIDECAR.server().stubFor(patch(urlEqualTo(VAULT)).willReturn(okJson(STATE)));

        vault.patch(CredentialVaultPatch.builder().deleteBinding("github").build());

        SIDECAR.server()
                .verify(patchRequestedFor(urlEqualTo(VAULT))
                        .withRequestBody(equalToJson("{\"bindings\":{\"delete\":[\"github\"]}}", false, false)));
    }

    @Test
    void delete_sendsDeleteAndAccepts204() {
        SIDECAR.server()
                .stubFor(delete(urlEqualTo(VAULT)).willReturn(aResponse().withStatus(204)));

        vault.delete();

        SIDECAR.server().verify(sidecarHeaders(deleteRequestedFor(urlEqualTo(VAULT))));
    }

    @Test
    void listCredentials_keepsTheRevision() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/credentials"))
                        .willReturn(okJson("{\"revision\":5,\"credentials\":["
                                + "{\"name\":\"a\",\"sourceType\":\"inline\",\"revision\":4},"
                                + "{\"name\":\"b\",\"sourceType\":\"inline\",\"revision\":5}]}")));

        RevisionedList<CredentialMetadata> list = vault.listCredentials();

        assertThat(list.revision()).isEqualTo(5);
        assertThat(list.items()).extracting(CredentialMetadata::name).containsExactly("a", "b");
        assertThat(list.items()).extracting(CredentialMetadata::revision).containsExactly(4L, 5L);
        SIDECAR.server().verify(sidecarHeaders(getRequestedFor(urlEqualTo(VAULT + "/credentials"))));
    }

    @Test
    void listBindings_keepsTheRevisionAndMatch() {
        SIDECAR.server()
                .stubFor(
                        get(urlEqualTo(VAULT + "/bindings"))
                                .willReturn(
                                        okJson(
                                                "{\"revision\":6,\"bindings\":[{\"name\":\"k\",\"revision\":6,"
                                                        + "\"match\":{\"hosts\":[\"h.io\"]},\"auth\":{\"type\":\"apiKey\",\"name\":\"X-Key\"}}]}")));

        RevisionedList<CredentialBindingMetadata> list = vault.listBindings();

        assertThat(list.revision()).isEqualTo(6);
        CredentialBindingMetadata binding = list.items().get(0);
        assertThat(binding.auth().orElseThrow().type()).isEqualTo(AuthType.API_KEY);
        assertThat(binding.auth().orElseThrow().name()).contains("X-Key");
        CredentialMatch match = binding.match().orElseThrow();
        assertThat(match.schemes()).isEmpty();
        assertThat(match.effectiveSchemes()).isEqualTo(CredentialMatch.DEFAULT_SCHEMES);
        assertThat(match.effectivePorts()).containsExactly(443);
    }

    @Test
    void getCredentialAndBinding_encodeTheNameAsOnePathSegment() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/credentials/my%20token%2Fv1"))
                        .willReturn(okJson("{\"name\":\"my token/v1\",\"sourceType\":\"inline\",\"revision\":1}")));
        SIDECAR.server()
                .stubFor(get(urlEqualTo(VAULT + "/bindings/a%3Fb%23c"))
                        .willReturn(okJson("{\"name\":\"a?b#c\",\"revision\":2}")));

        assertThat(vault.getCredential("my token/v1").name()).isEqualTo("my token/v1");
        assertThat(vault.getBinding("a?b#c").revision()).isEqualTo(2);
        SIDECAR.server().verify(sidecarHeaders(getRequestedFor(urlEqualTo(VAULT + "/credentials/my%20token%2Fv1"))));
        SIDECAR.server().verify(sidecarHeaders(getRequestedFor(urlEqualTo(VAULT + "/bindings/a%3Fb%23c"))));
    }

    @Test
    void patch_on409_throwsConflictTellingToReReadTheRevision() {
        stubAll(409, "revision conflict: expected 2, current 3\n");

        assertThatThrownBy(() -> vault.patch(CredentialVaultPatch.builder()
                        .expectedRevision(2)
                        .deleteCredential("x")
                        .build()))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.error().code()).isEqualTo(EgressErrorCodes.CONFLICT);
                    assertThat(e.requestId()).contains("req-409");
                    assertThat(e.getMessage())
                            .contains("revision 2")
                            .contains("get()")
                            .contains("revision conflict: expected 2, current 3");
                });
    }

    @Test
    void create_on409_saysTheVaultExists() {
        stubAll(409, "credential vault already exists\n");

        assertThatThrownBy(() -> vault.create(List.of(), List.of()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already has a Credential Vault")
                .hasMessageContaining("credential vault already exists");
    }

    @Test
    void create_on412_throwsProxyNotReady() {
        stubAll(412, "credential proxy is not ready\n");

        assertThatThrownBy(() -> vault.create(List.of(), List.of()))
                .isInstanceOfSatisfying(CredentialProxyNotReadyException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(412);
                    assertThat(e.error().code()).isEqualTo(EgressErrorCodes.PROXY_NOT_READY);
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage())
                            .contains("credential proxy enabled")
                            .contains("credential proxy is not ready");
                });
    }

    @Test
    void patch_on426_throwsTlsRequiredWithTheFix() {
        stubAll(426, "credential vault writes require TLS or loopback transport\n");

        assertThatThrownBy(() -> vault.patch(
                        CredentialVaultPatch.builder().deleteCredential("x").build()))
                .isInstanceOfSatisfying(TlsRequiredException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(426);
                    assertThat(e.error().code()).isEqualTo(EgressErrorCodes.TLS_REQUIRED);
                    assertThat(e.getMessage())
                            .contains("protocol(\"https\")")
                            .contains("credential vault writes require TLS or loopback transport");
                });
    }

    @Test
    void patch_on413_throwsLimitExceeded() {
        stubAll(413, "http: request body too large\n");

        assertThatThrownBy(() -> vault.patch(
                        CredentialVaultPatch.builder().deleteCredential("x").build()))
                .isInstanceOf(EgressLimitExceededException.class)
                .hasMessageContaining("request body too large");
    }

    @Test
    void getCredential_on404_saysWhatIsMissing() {
        stubAll(404, "credential not found\n");

        assertThatThrownBy(() -> vault.getCredential("nope")).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.error().code()).isEqualTo(EgressErrorCodes.NOT_FOUND);
            assertThat(e.getMessage())
                    .contains("'nope'")
                    .contains("listCredentials()")
                    .contains("credential not found");
        });
    }

    @Test
    void get_on404_saysToCreateTheVault() {
        stubAll(404, "credential vault not found\n");

        assertThatThrownBy(vault::get).isInstanceOf(NotFoundException.class).hasMessageContaining("create one first");
    }

    @Test
    void patch_on404_namesBothCauses_andWriteOn400_namesTheSidecarsRules() {
        stubAll(404, "credential \"gone\" not found\n");
        CredentialVaultPatch deleteGone =
                CredentialVaultPatch.builder().deleteCredential("gone").build();
        assertThatThrownBy(() -> vault.patch(deleteGone))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        e -> assertThat(e.getMessage())
                                .contains("create() it first")
                                .contains("replaces or deletes a credential or binding that does not exist")
                                .contains("credential \"gone\" not found"));

        stubAll(400, "binding \"b\" host \"api.x.io\" is not covered by an explicit allow egress rule\n");
        assertThatThrownBy(() -> vault.create(
                        List.of(Credential.inline("c", "v4lue")),
                        List.of(CredentialBinding.of(
                                "b", CredentialMatch.forHosts("api.x.io"), CredentialAuth.bearer("c")))))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.error().code()).isEqualTo(EgressErrorCodes.BAD_REQUEST);
                    assertThat(e.getMessage())
                            .contains("explicit allow rule of the egress policy covers each of its hosts")
                            .contains("is not covered by an explicit allow egress rule");
                });
    }

    @Test
    void anyCall_on400And401_mapsToCodes() {
        stubAll(400, "json: unknown field \"extra\"\n");
        assertThatThrownBy(vault::listBindings).isInstanceOfSatisfying(SandboxApiException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.error().code()).isEqualTo(EgressErrorCodes.BAD_REQUEST);
            assertThat(e.getMessage()).contains("json: unknown field \"extra\"");
        });

        stubAll(401, "unauthorized\n");
        assertThatThrownBy(vault::listCredentials)
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("OPENSANDBOX-EGRESS-AUTH");
    }

    @Test
    void get_withoutRevision_failsAsUnexpectedResponse() {
        SIDECAR.server().stubFor(get(urlEqualTo(VAULT)).willReturn(okJson("{\"credentials\":[],\"bindings\":[]}")));

        assertThatThrownBy(vault::get)
                .isInstanceOfSatisfying(
                        SandboxException.class,
                        e -> assertThat(e.error().code()).isEqualTo(SandboxError.UNEXPECTED_RESPONSE))
                .hasMessageContaining("without a revision");
    }

    @Test
    void anyCall_on429_keepsRateLimitedWithRetryAfter() {
        SIDECAR.server()
                .stubFor(any(anyUrl())
                        .willReturn(aResponse()
                                .withStatus(429)
                                .withHeader("Retry-After", "7")
                                .withBody("slow down\n")));

        assertThatThrownBy(vault::get).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            assertThat(e.isRetryable()).isTrue();
        });
    }
}
