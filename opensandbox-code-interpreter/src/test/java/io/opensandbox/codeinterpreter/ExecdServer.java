package io.opensandbox.codeinterpreter;

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
 * A WireMock execd on 127.0.0.1 behind an endpoint with a path prefix and an endpoint header, and a sandbox handle
 * that reaches it through the real HttpClient 5 transport. The config carries a lifecycle API key so tests can check
 * that it never reaches execd.
 */
final class ExecdServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    static final String PREFIX = "/proxy/44772";
    static final String ENDPOINT_HEADER = "OpenSandbox-Secure-Access";
    static final String ENDPOINT_TOKEN = "secure-token-5e1b";
    static final String API_KEY = "lifecycle-api-key-07aa";

    private WireMockServer server;
    private DirectHandle handle;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .apiKey(API_KEY)
                // failure tests assert single requests (execd's 500s would otherwise be repeated for DELETE and GET)
                .retryPolicy(RetryPolicy.disabled())
                .build();
        // execd only: a lookup of any other port fails the test
        handle = DirectHandle.of(
                "sbx-test",
                config,
                Map.of(
                        SandboxHandle.EXECD_PORT,
                        Endpoint.of("127.0.0.1:" + server.port() + PREFIX, Map.of(ENDPOINT_HEADER, ENDPOINT_TOKEN))));
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
