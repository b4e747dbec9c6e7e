package io.opensandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bodies as the shared mapper writes them, compared as whole JSON trees: the sidecar rejects unknown fields, so
 * an extra field or a {@code null} fails these tests.
 */
class WireBodiesTest {

    private static JsonNode written(Object wire) throws Exception {
        return Json.MAPPER.readTree(Json.write(wire));
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void rule_isActionAndTargetOnly() throws Exception {
        assertThat(written(Convert.rule(EgressRule.deny("*.example.com"))))
                .isEqualTo(json("{\"action\":\"deny\",\"target\":\"*.example.com\"}"));
    }

    @Test
    void credential_isNameAndInlineSource() throws Exception {
        assertThat(written(Convert.credential(Credential.inline("tok", "v"))))
                .isEqualTo(json("{\"name\":\"tok\",\"source\":{\"type\":\"inline\",\"value\":\"v\"}}"));
    }

    @Test
    void match_withOnlyHosts_omitsEveryDefaultedField() throws Exception {
        assertThat(written(Convert.match(CredentialMatch.forHosts("a.io", "*.b.io"))))
                .isEqualTo(json("{\"hosts\":[\"a.io\",\"*.b.io\"]}"));
    }

    @Test
    void match_withEveryField_sendsThemAll() throws Exception {
        CredentialMatch match = CredentialMatch.builder()
                .hosts("a.io")
                .schemes("HTTPS")
                .ports(8443)
                .methods("get")
                .paths("/v1/*")
                .build();
        assertThat(written(Convert.match(match)))
                .isEqualTo(json("{\"schemes\":[\"https\"],\"ports\":[8443],\"hosts\":[\"a.io\"],"
                        + "\"methods\":[\"GET\"],\"paths\":[\"/v1/*\"]}"));
    }

    @Test
    void auth_eachKindHasExactlyItsSpecFields() throws Exception {
        assertThat(written(Convert.auth(CredentialAuth.bearer("c"))))
                .isEqualTo(json("{\"type\":\"bearer\",\"credential\":\"c\"}"));
        assertThat(written(Convert.auth(CredentialAuth.basic("c"))))
                .isEqualTo(json("{\"type\":\"basic\",\"credential\":\"c\"}"));
        assertThat(written(Convert.auth(CredentialAuth.apiKey("X-Key", "c"))))
                .isEqualTo(json("{\"type\":\"apiKey\",\"name\":\"X-Key\",\"credential\":\"c\"}"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-A", "a");
        headers.put("X-B", "b");
        assertThat(written(Convert.auth(CredentialAuth.customHeaders(headers))))
                .isEqualTo(json("{\"type\":\"customHeaders\",\"headers\":["
                        + "{\"name\":\"X-A\",\"credential\":\"a\"},{\"name\":\"X-B\",\"credential\":\"b\"}]}"));
    }

    @Test
    void patch_empty_isAnEmptyObject() throws Exception {
        assertThat(written(Convert.patch(CredentialVaultPatch.builder().build())))
                .isEqualTo(json("{}"));
    }

    @Test
    void patch_everyOperation() throws Exception {
        CredentialBinding binding =
                CredentialBinding.of("b", CredentialMatch.forHosts("h.io"), CredentialAuth.bearer("x"));
        CredentialVaultPatch patch = CredentialVaultPatch.builder()
                .expectedRevision(0)
                .addCredential(Credential.inline("x", "1"))
                .replaceCredential(Credential.inline("y", "2"))
                .deleteCredential("z")
                .addBinding(binding)
                .replaceBinding(binding)
                .deleteBinding("old")
                .build();
        String bindingJson =
                "{\"name\":\"b\",\"match\":{\"hosts\":[\"h.io\"]},\"auth\":{\"type\":\"bearer\",\"credential\":\"x\"}}";
        assertThat(written(Convert.patch(patch)))
                .isEqualTo(json("{\"expectedRevision\":0,"
                        + "\"credentials\":{\"add\":[{\"name\":\"x\",\"source\":{\"type\":\"inline\",\"value\":\"1\"}}],"
                        + "\"replace\":[{\"name\":\"y\",\"source\":{\"type\":\"inline\",\"value\":\"2\"}}],"
                        + "\"delete\":[\"z\"]},"
                        + "\"bindings\":{\"add\":[" + bindingJson + "],\"replace\":[" + bindingJson + "],"
                        + "\"delete\":[\"old\"]}}"));
    }

    @Test
    void create_alwaysSendsBothArrays() throws Exception {
        assertThat(written(Convert.create(List.of(), List.of())))
                .isEqualTo(json("{\"credentials\":[],\"bindings\":[]}"));
    }

    @Test
    void builders_rejectWhatTheSidecarWould() {
        assertThatThrownBy(() -> Credential.inline("n", "")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Credential.inline(" ", "v")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CredentialMatch.builder().build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("at least one host");
        assertThatThrownBy(() -> CredentialMatch.builder().hosts("a.io").schemes("ftp"))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CredentialMatch.builder().hosts("a.io").ports(0))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CredentialMatch.builder().hosts("a.io").ports())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CredentialAuth.apiKey("X Key", "c")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CredentialAuth.customHeaders(Map.of())).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CredentialBinding.of("", CredentialMatch.forHosts("a.io"), CredentialAuth.bearer("c")))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void match_defaultsAreTheSpecs() {
        CredentialMatch match = CredentialMatch.forHosts("a.io");
        assertThat(match.schemes()).isEmpty();
        assertThat(match.effectiveSchemes()).containsExactly("https");
        assertThat(match.effectivePorts()).containsExactly(443);
        assertThat(match.effectiveMethods()).containsExactly("GET", "POST", "PUT", "PATCH", "DELETE");
        assertThat(match.effectivePaths()).containsExactly("/*");
        assertThat(match)
                .isNotEqualTo(CredentialMatch.builder().hosts("a.io").ports(443).build());
    }

    @Test
    void authType_readsWireValuesAndUnknown() {
        assertThat(AuthType.fromWire("apiKey")).isEqualTo(AuthType.API_KEY);
        assertThat(AuthType.fromWire("customHeaders")).isEqualTo(AuthType.CUSTOM_HEADERS);
        assertThat(AuthType.fromWire("oauth")).isEqualTo(AuthType.UNKNOWN);
        assertThat(AuthType.fromWire(null)).isEqualTo(AuthType.UNKNOWN);
        assertThat(AuthType.fromWire("")).isEqualTo(AuthType.UNKNOWN);
    }

    @Test
    void toString_neverShowsTheValue() {
        Credential credential = Credential.inline("tok", "hunter2-secret");
        assertThat(credential.toString()).contains("tok").doesNotContain("hunter2-secret");
        assertThat(Convert.credential(credential).toString()).doesNotContain("hunter2-secret");
        assertThat(CredentialVaultPatch.builder()
                        .replaceCredential(credential)
                        .build()
                        .toString())
                .doesNotContain("hunter2-secret");
        assertThat(SidecarErrors.scrub("bad value hunter2-secret!", List.of("hunter2-secret")))
                .isEqualTo("bad value <redacted>!");
    }
}
