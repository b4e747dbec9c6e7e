package io.opensandbox.commands.e2e;

import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.commands.CountingTransport;
import io.opensandbox.lifecycle.Sandbox;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handle to a real sandbox's execd, built with {@link DirectHandle}, whose calls go through a wrapper of the
 * sandbox's transport that counts, at the transport SPI boundary, the response bodies the SDK cancelled and the
 * ones the server ended (end of stream).
 */
final class RecordingHandle implements AutoCloseable {
    private final DirectHandle handle;
    final AtomicInteger cancelledBodies;
    final AtomicInteger endedBodies;

    RecordingHandle(Sandbox delegate) {
        CountingTransport transport = new CountingTransport(delegate.transport(), false); // the sandbox owns it
        this.handle = DirectHandle.of(
                delegate.id(),
                delegate.connectionConfig().toBuilder().transport(transport).build(),
                Map.of(SandboxHandle.EXECD_PORT, delegate.endpoint(SandboxHandle.EXECD_PORT)));
        this.cancelledBodies = transport.cancelledBodies;
        this.endedBodies = transport.endedBodies;
    }

    SandboxHandle handle() {
        return handle;
    }

    @Override
    public void close() {
        handle.close();
    }
}
