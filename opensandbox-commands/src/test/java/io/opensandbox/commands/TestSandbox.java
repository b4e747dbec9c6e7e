package io.opensandbox.commands;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.Transports;
import java.time.Duration;
import java.util.Map;

/**
 * A sandbox whose execd endpoint is a local test server: a {@link DirectHandle} over a counting wrapper of the
 * transport found through ServiceLoader.
 */
final class TestSandbox implements AutoCloseable {
    static final String API_KEY = "lifecycle-secret-key";
    static final String PREFIX = "/proxy/44772";

    private final Transports.Lease lease;
    private final CountingTransport transport;
    private final DirectHandle handle;

    TestSandbox(int port, Duration requestTimeout, Duration streamIdleTimeout) {
        ConnectionConfig found = ConnectionConfig.builder()
                .domain("127.0.0.1:9")
                .apiKey(API_KEY)
                .header("X-Custom", "custom-1")
                .requestTimeout(requestTimeout)
                .streamIdleTimeout(streamIdleTimeout)
                .build();
        this.lease = Transports.lease(found); // the real transport, chosen as the SDK chooses it
        this.transport = new CountingTransport(lease.transport(), false);
        this.handle = DirectHandle.of(
                "sbx-1",
                found.toBuilder().transport(transport).build(),
                Map.of(
                        SandboxHandle.EXECD_PORT,
                        Endpoint.of("127.0.0.1:" + port + PREFIX, Map.of("X-Route", "route-1"))));
    }

    TestSandbox(int port) {
        this(port, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /**
     * The handle capabilities take.
     *
     * @return the handle
     */
    SandboxHandle handle() {
        return handle;
    }

    String id() {
        return handle.id();
    }

    ConnectionConfig connectionConfig() {
        return handle.connectionConfig();
    }

    int cancelledBodies() {
        return transport.cancelledBodies.get();
    }

    @Override
    public void close() {
        handle.close();
        lease.close();
    }
}
