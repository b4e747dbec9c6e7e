package io.opensandbox.network;

import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.Observed;
import java.util.Objects;
import java.util.function.Function;

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
        return ApiClient.forPort(handle, SandboxHandle.EGRESS_PORT);
    }

    /**
     * Makes one call, observed as {@code operation} by the config's call listener. A failure of the call is mapped
     * with the hints ({@link SidecarErrors#map}); a failure to resolve the endpoint (a lifecycle error) passes
     * through unchanged.
     */
    <T> T call(String operation, SidecarErrors.Hints hints, Function<ApiClient, T> call) {
        return Observed.run(handle.connectionConfig(), operation, handle.id(), () -> {
            ApiClient client = client();
            try {
                return call.apply(client);
            } catch (SandboxException e) {
                throw SidecarErrors.map(e, hints);
            }
        });
    }
}
