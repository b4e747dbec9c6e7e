package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalSandboxExtensionTest {
    @RegisterExtension
    static LocalSandboxExtension sandboxes =
            LocalSandboxExtension.withApiKey("ext-key").allowedHostPaths("/srv/allowed", "/tmp");

    private final ConnectionConfig injectedIntoConstructor;

    LocalSandboxExtensionTest(ConnectionConfig config) {
        this.injectedIntoConstructor = config;
    }

    @Test
    void injectsAConfigThatReachesTheClassServer(ConnectionConfig config, LocalSandboxServer server) throws Exception {
        assertThat(config.domain()).isEqualTo(server.domain()).isEqualTo(injectedIntoConstructor.domain());
        assertThat(config.apiKey()).contains("ext-key");
        assertThat(config.domain()).startsWith("127.0.0.1:");

        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(config.lifecycleBaseUrl() + "/sandboxes"))
                                .header(
                                        ConnectionConfig.API_KEY_HEADER,
                                        config.apiKey().orElseThrow())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"items\"");
    }

    @Test
    void passesTheAllowedHostPathsToItsServer(LocalSandboxServer server) {
        assertThat(server.allowedHostPaths()).containsExactly("/srv/allowed", "/tmp");
    }

    @Test
    void sharesOneServerPerClass(LocalSandboxServer server) {
        assertThat(server.domain()).isEqualTo(injectedIntoConstructor.domain());
    }
}
