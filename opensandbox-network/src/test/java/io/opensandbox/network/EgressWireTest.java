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
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.EgressAction;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EgressWireTest {
    @RegisterExtension
    static final SidecarServer SIDECAR = new SidecarServer();

    private static final String POLICY = SidecarServer.PREFIX + "/policy";

    private final Egress egress = Egress.of(SIDECAR.handle());

    private static RequestPatternBuilder sidecarHeaders(RequestPatternBuilder request) {
        return request.withHeader(SidecarServer.AUTH_HEADER, equalTo(SidecarServer.AUTH_TOKEN))
                .withHeader("OPEN-SANDBOX-API-KEY", absent());
    }

    @Test
    void getEgressPolicy_sendsEndpointHeaderWithoutApiKey_andReadsPolicy() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(POLICY))
                        .willReturn(okJson("{\"status\":\"ok\",\"mode\":\"deny_all\",\"enforcementMode\":\"dns\","
                                + "\"policy\":{\"defaultAction\":\"deny\",\"egress\":["
                                + "{\"action\":\"allow\",\"target\":\"pypi.org\"},"
                                + "{\"action\":\"deny\",\"target\":\"*.example.com\"}]}}")));

        EgressPolicyStatus status = egress.getEgressPolicy();

        assertThat(status.status()).contains("ok");
        assertThat(status.mode()).contains("deny_all");
        assertThat(status.enforcementMode()).contains("dns");
        assertThat(status.reason()).isEmpty();
        assertThat(status.policy())
                .contains(NetworkPolicy.denyByDefault(EgressRule.allow("pypi.org"), EgressRule.deny("*.example.com")));
        assertThat(status.rawRuleActions()).containsExactly("allow", "deny");
        assertThat(status.toString())
                .isEqualTo("EgressPolicyStatus{status=ok, mode=deny_all, enforcementMode=dns, policy=NetworkPolicy["
                        + "defaultAction=DENY, egress=[EgressRule[action=ALLOW, target=pypi.org], "
                        + "EgressRule[action=DENY, target=*.example.com]]]}");
        SIDECAR.server()
                .verify(sidecarHeaders(getRequestedFor(urlEqualTo(POLICY)))
                        .withHeader("Accept", equalTo("application/json")));
    }

    @Test
    void getEgressPolicy_toleratesUnknownFieldsAndActions_keepingRawValues() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(POLICY))
                        .willReturn(okJson("{\"status\":\"ok\",\"mode\":\"mixed_future\",\"enforcementMode\":\"ebpf\","
                                + "\"reason\":\"warming up\",\"extra\":{\"a\":1},"
                                + "\"policy\":{\"defaultAction\":\"quarantine\",\"egress\":["
                                + "{\"action\":\"log\",\"target\":\"pypi.org\",\"priority\":3},"
                                + "{\"target\":\"github.com\"}]}}")));

        EgressPolicyStatus status = egress.getEgressPolicy();

        NetworkPolicy policy = status.policy().orElseThrow();
        assertThat(policy.defaultAction()).isEqualTo(EgressAction.UNKNOWN);
        assertThat(policy.egress())
                .containsExactly(
                        new EgressRule(EgressAction.UNKNOWN, "pypi.org"),
                        new EgressRule(EgressAction.UNKNOWN, "github.com"));
        assertThat(status.rawDefaultAction()).contains("quarantine");
        assertThat(status.rawRuleActions()).containsExactly("log", "");
        assertThat(status.mode()).contains("mixed_future");
        assertThat(status.enforcementMode()).contains("ebpf");
        assertThat(status.reason()).contains("warming up");
    }

    @Test
    void getEgressPolicy_withoutDefaultAction_readsTheSidecarDefaultDeny() {
        SIDECAR.server().stubFor(get(urlEqualTo(POLICY)).willReturn(okJson("{\"status\":\"ok\",\"policy\":{}}")));

        EgressPolicyStatus status = egress.getEgressPolicy();

        assertThat(status.policy()).contains(new NetworkPolicy(EgressAction.DENY, List.of()));
        assertThat(status.rawDefaultAction()).isEmpty();
    }

    @Test
    void patchEgressRules_sendsExactJsonArray() {
        SIDECAR.server()
                .stubFor(patch(urlEqualTo(POLICY))
                        .willReturn(okJson("{\"status\":\"ok\",\"mode\":\"deny_all\",\"enforcementMode\":\"dns\"}")));

        EgressPolicyStatus status =
                egress.patchEgressRules(EgressRule.allow("example.com"), EgressRule.deny("example.com"));

        assertThat(status.mode()).contains("deny_all");
        assertThat(status.policy()).isEmpty();
        SIDECAR.server()
                .verify(sidecarHeaders(patchRequestedFor(urlEqualTo(POLICY)))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson(
                                "[{\"action\":\"allow\",\"target\":\"example.com\"},"
                                        + "{\"action\":\"deny\",\"target\":\"example.com\"}]",
                                false,
                                false)));
    }

    @Test
    void patchEgressRules_rejectsEmptyAndUnknownRulesWithoutSending() {
        assertThatThrownBy(() -> egress.patchEgressRules(List.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> egress.patchEgressRules(new EgressRule(EgressAction.UNKNOWN, "a.com")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("UNKNOWN");
        assertThatThrownBy(() -> egress.deleteEgressRules(List.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("must not be empty");
        SIDECAR.server().verify(0, RequestPatternBuilder.newRequestPattern().withUrl(POLICY));
        assertThat(SIDECAR.server().getAllServeEvents()).isEmpty();
    }

    @Test
    void deleteEgressRules_sendsDeleteWithJsonArrayBody() {
        SIDECAR.server()
                .stubFor(delete(urlEqualTo(POLICY))
                        .willReturn(okJson("{\"status\":\"ok\",\"mode\":\"allow_all\",\"enforcementMode\":\"dns\"}")));

        EgressPolicyStatus status = egress.deleteEgressRules("bad.example.com", "*.blocked.org");

        assertThat(status.mode()).contains("allow_all");
        SIDECAR.server()
                .verify(sidecarHeaders(deleteRequestedFor(urlEqualTo(POLICY)))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson("[\"bad.example.com\",\"*.blocked.org\"]", false, false)));
    }

    @Test
    void patchEgressRules_on413_throwsLimitExceededWithAdvice() {
        SIDECAR.server()
                .stubFor(patch(urlEqualTo(POLICY))
                        .willReturn(aResponse()
                                .withStatus(413)
                                .withHeader("Content-Type", "text/plain; charset=utf-8")
                                .withHeader("X-Request-ID", "req-413")
                                .withBody("too many rules: 4097 > 4096\n")));

        assertThatThrownBy(() -> egress.patchEgressRules(EgressRule.allow("a.com")))
                .isInstanceOfSatisfying(EgressLimitExceededException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.error().code()).isEqualTo(EgressErrorCodes.LIMIT_EXCEEDED);
                    assertThat(e.requestId()).contains("req-413");
                    assertThat(e.getMessage())
                            .contains("too many rules: 4097 > 4096")
                            .contains("deleteEgressRules");
                });
    }

    @Test
    void anyPolicyCall_on404_saysThePolicyApiIsMissing_notTheVault() {
        SIDECAR.server()
                .stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404).withBody("404 page not found\n")));

        for (Runnable call : List.<Runnable>of(
                egress::getEgressPolicy,
                () -> egress.patchEgressRules(EgressRule.allow("pypi.org")),
                () -> egress.deleteEgressRules("pypi.org"))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(NotFoundException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(404);
                assertThat(e.getMessage())
                        .contains("does not serve /policy")
                        .contains("404 page not found")
                        .doesNotContain("Credential Vault");
            });
        }
    }

    @Test
    void getEgressPolicy_on401_throwsAuthenticationNamingTheEgressHeader() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(POLICY))
                        .willReturn(aResponse().withStatus(401).withBody("unauthorized\n")));

        assertThatThrownBy(egress::getEgressPolicy).isInstanceOfSatisfying(AuthenticationException.class, e -> {
            assertThat(e.error().code()).isEqualTo(EgressErrorCodes.UNAUTHORIZED);
            assertThat(e.getMessage()).contains("OPENSANDBOX-EGRESS-AUTH").contains("unauthorized");
        });
    }

    @Test
    void anyCall_on500PlainText_keepsTheSidecarTextAndIsRetryable() {
        SIDECAR.server()
                .stubFor(any(anyUrl())
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "text/plain")
                                .withBody("failed to apply policy: nft: exit status 1\n")));

        assertThatThrownBy(() -> egress.deleteEgressRules("a.com"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.error().code()).isEqualTo(EgressErrorCodes.SIDECAR_ERROR);
                    assertThat(e.getMessage())
                            .contains("deleting egress rules failed")
                            .contains("failed to apply policy: nft: exit status 1");
                });
    }

    @Test
    void getEgressPolicy_withRuleWithoutTarget_failsAsUnexpectedResponse() {
        SIDECAR.server()
                .stubFor(get(urlEqualTo(POLICY))
                        .willReturn(okJson(
                                "{\"policy\":{\"defaultAction\":\"deny\",\"egress\":[{\"action\":\"allow\"}]}}")));

        assertThatThrownBy(egress::getEgressPolicy)
                .hasMessageContaining("UNEXPECTED_RESPONSE")
                .hasMessageContaining("without a valid target");
    }

    @Test
    void patchAndDelete_withEmptyOrTextBody_stillSucceed() {
        SIDECAR.server()
                .stubFor(patch(urlEqualTo(POLICY)).willReturn(aResponse().withStatus(200)));
        SIDECAR.server()
                .stubFor(delete(urlEqualTo(POLICY))
                        .willReturn(aResponse().withStatus(200).withBody("ok\n")));

        EgressPolicyStatus patched = egress.patchEgressRules(EgressRule.allow("a.com"));
        EgressPolicyStatus deleted = egress.deleteEgressRules("a.com");

        assertThat(patched.status()).isEmpty();
        assertThat(patched.policy()).isEmpty();
        assertThat(deleted.mode()).isEmpty();
        SIDECAR.server().verify(patchRequestedFor(urlEqualTo(POLICY)));
        SIDECAR.server().verify(deleteRequestedFor(urlEqualTo(POLICY)));
    }
}
