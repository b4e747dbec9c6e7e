package io.opensandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionConfigTest {
    private static ConnectionConfig.Builder withEnv(Map<String, String> env) {
        return ConnectionConfig.builder(env::get);
    }

    @Test
    void build_withNothingSet_usesSeedDefaults() {
        ConnectionConfig config = withEnv(Map.of()).build();

        assertThat(config.domain()).isEqualTo("localhost:8080");
        assertThat(config.protocol()).isEqualTo("http");
        assertThat(config.lifecycleBaseUrl()).isEqualTo("http://localhost:8080/v1");
        assertThat(config.apiKey()).isEmpty();
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.useServerProxy()).isFalse();
        assertThat(config.debug()).isFalse();
        assertThat(config.headers()).isEmpty();
    }

    @Test
    void build_withoutExplicitValues_fallsBackToEnvironment() {
        ConnectionConfig config = withEnv(
                        Map.of("OPEN_SANDBOX_API_KEY", "k-123", "OPEN_SANDBOX_DOMAIN", "sb.example:9000"))
                .build();

        assertThat(config.apiKey()).contains("k-123");
        assertThat(config.domain()).isEqualTo("sb.example:9000");
    }

    @Test
    void build_explicitValuesWinOverEnvironment() {
        ConnectionConfig config = withEnv(Map.of("OPEN_SANDBOX_API_KEY", "env", "OPEN_SANDBOX_DOMAIN", "env:1"))
                .apiKey("explicit")
                .domain("explicit:2")
                .build();

        assertThat(config.apiKey()).contains("explicit");
        assertThat(config.domain()).isEqualTo("explicit:2");
    }

    @ParameterizedTest
    @CsvSource({
        "api.example.com, api.example.com, http",
        "api.example.com/, api.example.com, http",
        "api.example.com/v1, api.example.com, http",
        "api.example.com/v1/, api.example.com, http",
        "https://api.example.com/v1/, api.example.com, https",
        "http://10.0.0.1:8080, 10.0.0.1:8080, http",
        "gw.example.com/opensandbox/v1, gw.example.com/opensandbox, http",
    })
    void build_normalisesDomain(String raw, String domain, String protocol) {
        ConnectionConfig config = withEnv(Map.of()).domain(raw).build();

        assertThat(config.domain()).isEqualTo(domain);
        assertThat(config.protocol()).isEqualTo(protocol);
        assertThat(config.lifecycleBaseUrl()).isEqualTo(protocol + "://" + domain + "/v1");
    }

    @Test
    void build_explicitProtocolWinsOverSchemeOfDomain() {
        assertThat(withEnv(Map.of())
                        .domain("https://x")
                        .protocol("http")
                        .build()
                        .protocol())
                .isEqualTo("http");
    }

    @Test
    void build_rejectsInvalidValuesBeforeAnyIo() {
        assertThatThrownBy(() -> withEnv(Map.of()).domain("  ").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("domain is blank");
        assertThatThrownBy(() -> withEnv(Map.of()).domain("https:///v1").build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> withEnv(Map.of()).domain("bad host").build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> withEnv(Map.of()).protocol("ftp").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("protocol");
        assertThatThrownBy(() ->
                        withEnv(Map.of()).requestTimeout(Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("requestTimeout must be positive");
        assertThatThrownBy(
                        () -> withEnv(Map.of()).streamIdleTimeout(Duration.ZERO).build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() ->
                        withEnv(Map.of()).header("X-A", "v\r\nInjected: 1").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("CR, LF");
        assertThatThrownBy(() -> withEnv(Map.of()).header("Bad Name", "v").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("invalid header name");
        assertThatThrownBy(() -> withEnv(Map.of()).apiKey("k\nInjected: x").build())
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> withEnv(Map.of()).maxConnections(0).build())
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void build_refusesApiKeyAsCustomHeader_becauseCustomHeadersReachTheSandbox() {
        assertThatThrownBy(() ->
                        withEnv(Map.of()).header("open-sandbox-api-key", "k").build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("apiKey(");
    }

    @Test
    void toString_neverShowsSecrets() {
        ConnectionConfig config = withEnv(Map.of())
                .apiKey("super-secret-key")
                .header("Authorization", "Bearer hidden-token")
                .build();

        assertThat(config.toString())
                .doesNotContain("super-secret-key")
                .doesNotContain("hidden-token")
                .contains("<redacted>")
                .contains("Authorization");
    }

    @Test
    void toBuilder_keepsEverySetting() {
        ConnectionConfig config = withEnv(Map.of())
                .apiKey("k")
                .domain("https://d:1")
                .requestTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(6))
                .streamIdleTimeout(Duration.ofSeconds(7))
                .debug(true)
                .header("X-Team", "a")
                .useServerProxy(true)
                .maxConnections(12)
                .build();

        ConnectionConfig copy = config.toBuilder().build();

        assertThat(copy.apiKey()).contains("k");
        assertThat(copy.domain()).isEqualTo("d:1");
        assertThat(copy.protocol()).isEqualTo("https");
        assertThat(copy.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(copy.connectTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(copy.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(copy.debug()).isTrue();
        assertThat(copy.headers()).containsEntry("X-Team", "a");
        assertThat(copy.useServerProxy()).isTrue();
        assertThat(copy.maxConnections()).isEqualTo(12);
    }
}
