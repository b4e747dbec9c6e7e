package io.opensandbox.lifecycle;

import static io.opensandbox.lifecycle.WireTestSupport.API_KEY;
import static io.opensandbox.lifecycle.WireTestSupport.ENDPOINT_TOKEN;
import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.sandboxJson;
import static io.opensandbox.lifecycle.WireTestSupport.stubExecd;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.opensandbox.lifecycle.internal.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Secrets a caller hands the SDK (registry passwords, OSS keys, the API key, endpoint tokens) never print. */
@Timeout(30)
class SecretsInToStringTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static final String REGISTRY_PASSWORD = "registry-pa55word";
    private static final String OSS_SECRET = "oss-access-key-secret";

    @Test
    void imageSpec_printsTheUriAndUserButNotThePassword() {
        ImageSpec image = ImageSpec.of("registry.example/app:1", "robot", REGISTRY_PASSWORD);

        assertThat(image.toString())
                .contains("registry.example/app:1", "robot", "<redacted>")
                .doesNotContain(REGISTRY_PASSWORD);
        assertThat(image.password()).contains(REGISTRY_PASSWORD);
        assertThat(ImageSpec.of("python:3.12").toString()).isEqualTo("python:3.12");
    }

    @Test
    void ossfs_andTheVolumeHoldingIt_printEverythingButTheSecret() {
        Volume.Ossfs ossfs = new Volume.Ossfs(
                "my-bucket", "oss-cn-hangzhou.aliyuncs.com", "2.0", List.of("allow_other"), "LTAI-id", OSS_SECRET);
        Volume volume = Volume.builder("models", "/models")
                .backend(ossfs)
                .readOnly(true)
                .build();

        assertThat(ossfs.toString())
                .contains("my-bucket", "oss-cn-hangzhou.aliyuncs.com", "2.0", "LTAI-id", "accessKeySecret=<redacted>")
                .doesNotContain(OSS_SECRET);
        assertThat(volume.toString())
                .contains("models", "/models", "read-only", "my-bucket")
                .doesNotContain(OSS_SECRET);
        assertThat(ossfs.accessKeySecret()).isEqualTo(OSS_SECRET);
    }

    @Test
    void aBuilderHoldingSecrets_printsNone() {
        Sandbox.Builder builder = Sandbox.builder()
                .image(ImageSpec.of("registry.example/app:1", "robot", REGISTRY_PASSWORD))
                .volume(Volume.builder("models", "/models")
                        .backend(new Volume.Ossfs("b-1", "oss.example", "2.0", List.of(), "id", OSS_SECRET))
                        .build())
                .connectionConfig(config(server));

        assertThat(builder.toString()).doesNotContain(REGISTRY_PASSWORD, OSS_SECRET, API_KEY);
    }

    @Test
    void sandboxAndWhatItHandsOut_printNeitherTheApiKeyNorEndpointTokens() {
        stubExecd(server, "ts-1");
        server.stubFor(WireMock.get("/v1/sandboxes/ts-1").willReturn(WireMock.okJson(sandboxJson("ts-1", "Running"))));

        try (Sandbox sandbox = Sandbox.connect("ts-1", config(server));
                SandboxManager manager = SandboxManager.create(config(server))) {
            assertThat(sandbox.toString())
                    .contains("ts-1", "127.0.0.1:" + server.getPort())
                    .doesNotContain(API_KEY, ENDPOINT_TOKEN);
            assertThat(sandbox.connectionConfig().toString()).doesNotContain(API_KEY);
            assertThat(sandbox.endpoint(44772).toString())
                    .contains("X-Endpoint-Token")
                    .doesNotContain(ENDPOINT_TOKEN, API_KEY);
            assertThat(sandbox.getInfo().toString()).contains("ts-1").doesNotContain(API_KEY, ENDPOINT_TOKEN);
            assertThat(manager.toString()).doesNotContain(API_KEY);
            assertThat(manager.connectionConfig().toString()).doesNotContain(API_KEY);
            assertThat(Sandbox.connector("ts-1")
                            .connectionConfig(config(server))
                            .toString())
                    .doesNotContain(API_KEY);
        }
    }

    @Test
    void wireRecords_printNoSecret() {
        Wire.ImageAuth auth = new Wire.ImageAuth("robot", REGISTRY_PASSWORD);
        Wire.Ossfs ossfs = new Wire.Ossfs("bucket", "oss.example", null, List.of("ro"), "AKID", OSS_SECRET);

        assertThat(auth.toString()).contains("robot").doesNotContain(REGISTRY_PASSWORD);
        assertThat(ossfs.toString()).contains("bucket", "AKID").doesNotContain(OSS_SECRET);
        assertThat(new Wire.ImageSpec("python:3.12", auth).toString()).doesNotContain(REGISTRY_PASSWORD);
    }

    @Test
    void diagnosticContent_hidesThePresignedQueryAndTheText() {
        DiagnosticContent content = new DiagnosticContent(
                "sbx",
                "logs",
                "container",
                "url",
                "text/plain",
                false,
                List.of(),
                "line with a token=abc",
                "https://oss.example/logs.txt?Signature=s3cr3t&Expires=1",
                42,
                null);

        assertThat(content.toString())
                .contains("https://oss.example/logs.txt?***", "21 chars")
                .doesNotContain("s3cr3t", "token=abc");
        assertThat(content.contentUrl()).contains("https://oss.example/logs.txt?Signature=s3cr3t&Expires=1");
    }
}
