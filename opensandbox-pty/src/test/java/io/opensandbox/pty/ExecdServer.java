package io.opensandbox.pty;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A WireMock execd on 127.0.0.1 behind an endpoint with a path prefix and an endpoint header, and a sandbox handle
 * that reaches it through a real transport. The config carries a lifecycle API key (which must never reach execd)
 * and a call listener that writes down the operations.
 */
final class ExecdServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    static final String PREFIX = "/proxy/44772";
    static final String ENDPOINT_HEADER = "OpenSandbox-Secure-Access";
    static final String ENDPOINT_TOKEN = "secure-token-5e1b";
    static final String API_KEY = "lifecycle-api-key-07aa";

    final List<String> operations = new CopyOnWriteArrayList<>();
    private WireMockServer server;
    private DirectHandle handle;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .apiKey(API_KEY)
                .retryPolicy(RetryPolicy.disabled())
                .callListener(start -> {
                    operations.add(start.operation());
                    return CallObserver.NONE;
                })
                .build();
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
        operations.clear();
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
