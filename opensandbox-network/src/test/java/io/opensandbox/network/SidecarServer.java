package io.opensandbox.network;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxHandle;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A WireMock egress sidecar on 127.0.0.1 behind an endpoint with a path prefix and an egress auth header, and a
 * sandbox handle that reaches it through the real HttpClient 5 transport. The config carries a lifecycle API key so
 * tests can check that it never reaches the sidecar.
 */
final class SidecarServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    static final String PREFIX = "/proxy/18080";
    static final String AUTH_HEADER = "OPENSANDBOX-EGRESS-AUTH";
    static final String AUTH_TOKEN = "egress-token-7f3a";
    static final String API_KEY = "lifecycle-api-key-91c2";

    private final boolean debug;
    private WireMockServer server;
    private DirectHandle handle;

    SidecarServer() {
        this(false);
    }

    SidecarServer(boolean debug) {
        this.debug = debug;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .apiKey(API_KEY)
                .debug(debug)
                // error-shape tests assert single requests; retries have their own tests in the lifecycle module
                .retryPolicy(RetryPolicy.disabled())
                .build();
        handle = DirectHandle.of(
                "sbx-test",
                config,
                Map.of(
                        SandboxHandle.EGRESS_PORT,
                        Endpoint.of("127.0.0.1:" + server.port() + PREFIX, Map.of(AUTH_HEADER, AUTH_TOKEN))));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server.resetAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        handle.close();
        server.stop();
    }

    WireMockServer server() {
        return server;
    }

    SandboxHandle handle() {
        return handle;
    }
}
