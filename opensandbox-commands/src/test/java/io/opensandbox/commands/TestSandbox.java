package io.opensandbox.commands;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.spi.Transport;
import java.time.Duration;
import java.util.Map;

/** A sandbox handle whose execd endpoint is a local test server; the transport is found through ServiceLoader. */
final class TestSandbox implements SandboxHandle, AutoCloseable {
    static final String API_KEY = "lifecycle-secret-key";
    static final String PREFIX = "/proxy/44772";

    private final ConnectionConfig config;
    private final Transports.Lease lease;
    private final Endpoint endpoint;
    private final CountingTransport transport;

    TestSandbox(int port, Duration requestTimeout, Duration streamIdleTimeout) {
        this.config = ConnectionConfig.builder()
                .domain("127.0.0.1:9")
                .apiKey(API_KEY)
                .header("X-Custom", "custom-1")
                .requestTimeout(requestTimeout)
                .streamIdleTimeout(streamIdleTimeout)
                .build();
        this.lease = Transports.lease(config);
        this.transport = new CountingTransport(lease.transport(), false);
        this.endpoint = Endpoint.of("127.0.0.1:" + port + PREFIX, Map.of("X-Route", "route-1"));
    }

    TestSandbox(int port) {
        this(port, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Override
    public String id() {
        return "sbx-1";
    }

    @Override
    public ConnectionConfig connectionConfig() {
        return config;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    int cancelledBodies() {
        return transport.cancelledBodies.get();
    }

    @Override
    public Endpoint endpoint(int port) {
        if (port != EXECD_PORT) {
            throw new IllegalArgumentException("only execd is served here, not port " + port);
        }
        return endpoint;
    }

    @Override
    public void close() {
        lease.close();
    }
}
