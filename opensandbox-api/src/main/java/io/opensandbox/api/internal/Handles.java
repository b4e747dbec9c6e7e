package io.opensandbox.api.internal;

import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxHandle;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which transport lease stands behind a {@link SandboxHandle}. A handle made by the SDK (a {@code Sandbox}, a
 * {@link io.opensandbox.api.DirectHandle}) binds its lease here when it is made; capabilities find it with
 * {@link #lease(SandboxHandle)}, so the transport is not part of the public handle and every call a capability
 * makes belongs to the handle's owner (closing the owner ends the call). Handles are held weakly and by identity.
 */
public final class Handles {
    private static final Map<SandboxHandle, Transports.Lease> BOUND = Collections.synchronizedMap(new WeakHashMap<>());

    private Handles() {}

    /**
     * Binds a handle to the lease it makes its calls through.
     *
     * @param handle the handle (whose {@code equals} is identity)
     * @param lease its lease
     */
    public static void bind(SandboxHandle handle, Transports.Lease lease) {
        BOUND.put(handle, lease);
    }

    /**
     * The lease behind a handle.
     *
     * @param handle the handle
     * @return the lease
     * @throws InvalidArgumentException if the handle was not made by the SDK
     */
    public static Transports.Lease lease(SandboxHandle handle) {
        Transports.Lease lease = BOUND.get(handle);
        if (lease == null) {
            throw new InvalidArgumentException(
                    "this SandboxHandle (" + handle.getClass().getName() + ") was not made by the SDK: use a"
                            + " Sandbox, or build one with DirectHandle.of(config, endpoint)",
                    null);
        }
        return lease;
    }
}
