package io.opensandbox.pool;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;

/** The pool is closing or closed, so it hands out no sandbox. Code {@code POOL_NOT_RUNNING}. */
public class PoolNotRunningException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /** The error code, as the official SDKs name it. */
    public static final String CODE = "POOL_NOT_RUNNING";

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do next
     */
    public PoolNotRunningException(String message) {
        super(new SandboxError(CODE, message), null, null);
    }
}
