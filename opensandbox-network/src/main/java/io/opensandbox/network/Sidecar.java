package io.opensandbox.network;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.ApiClient;
import java.util.Objects;

/** The client of a sandbox's egress sidecar: its endpoint's base URL and headers, never the lifecycle API key. */
final class Sidecar {
    private final SandboxHandle handle;

    Sidecar(SandboxHandle handle) {
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    SandboxHandle handle() {
        return handle;
    }

    /** A client for the current endpoint; the handle caches the endpoint, so this is cheap. */
    ApiClient client() {
        ConnectionConfig config = handle.connectionConfig();
        Endpoint endpoint = handle.endpoint(SandboxHandle.EGRESS_PORT);
        return new ApiClient(handle.transport(), config, endpoint.baseUrl(config.protocol()), endpoint.headers());
    }
}
