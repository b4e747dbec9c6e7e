package io.opensandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void url_concatenatesSoThatAPathInTheAddressSurvives() {
        Endpoint endpoint = Endpoint.of("127.0.0.1:8080/sandboxes/abc/proxy/44772/", Map.of());

        assertThat(endpoint.address()).isEqualTo("127.0.0.1:8080/sandboxes/abc/proxy/44772");
        assertThat(endpoint.url("http", "/command"))
                .isEqualTo("http://127.0.0.1:8080/sandboxes/abc/proxy/44772/command");
    }

    @Test
    void of_rejectsBlankAddressAndHeaderInjection() {
        assertThatThrownBy(() -> Endpoint.of(" ", Map.of())).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Endpoint.of("h:1", Map.of("X-Token", "a\nb")))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void toString_showsHeaderNamesButNotTheirValues() {
        Endpoint endpoint = Endpoint.of("h:1", Map.of("OPENSANDBOX-EGRESS-AUTH", "token-value"));

        assertThat(endpoint.toString()).contains("OPENSANDBOX-EGRESS-AUTH").doesNotContain("token-value");
        assertThat(endpoint.headers()).containsEntry("OPENSANDBOX-EGRESS-AUTH", "token-value");
    }

    @Test
    void of_resolvesDotSegmentsOfThePathSoTheWireNeverSeesThem() {
        assertThat(Endpoint.of("gw:80/a/../b", Map.of()).url("http", "/command"))
                .isEqualTo("http://gw:80/b/command");
        assertThat(Endpoint.of("gw:80/a/./b/%2E%2e/c/", Map.of()).address()).isEqualTo("gw:80/a/c");
        assertThat(Endpoint.of("gw:80/a/..", Map.of()).address()).isEqualTo("gw:80");
        assertThat(Endpoint.of("gw:80/a..b/c", Map.of()).address()).isEqualTo("gw:80/a..b/c");
    }

    @Test
    void of_refusesAPathThatClimbsAboveItsStart() {
        assertThatThrownBy(() -> Endpoint.of("gw:80/../admin", Map.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("..");
        assertThatThrownBy(() -> Endpoint.of("gw:80/a/../../admin", Map.of()))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
