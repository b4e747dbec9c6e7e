package io.opensandbox.commands.e2e;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.commands.CountingTransport;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sandbox handle that delegates to a real one and counts, at the transport SPI boundary, the response bodies the
 * SDK cancelled and the ones the server ended (end of stream).
 */
final class RecordingHandle implements SandboxHandle {
    private final SandboxHandle delegate;
    private final CountingTransport transport;
    final AtomicInteger cancelledBodies;
    final AtomicInteger endedBodies;

    RecordingHandle(SandboxHandle delegate) {
        this.delegate = delegate;
        this.transport = new CountingTransport(delegate.transport(), false); // the real sandbox owns the transport
        this.cancelledBodies = transport.cancelledBodies;
        this.endedBodies = transport.endedBodies;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public ConnectionConfig connectionConfig() {
        return delegate.connectionConfig();
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Endpoint endpoint(int port) {
        return delegate.endpoint(port);
    }
}
