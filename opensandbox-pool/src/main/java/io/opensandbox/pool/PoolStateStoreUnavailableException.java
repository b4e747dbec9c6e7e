package io.opensandbox.pool;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import org.jspecify.annotations.Nullable;

/**
 * The pool's state store could not be reached or failed (for example Redis is down). Code
 * {@code POOL_STATE_STORE_UNAVAILABLE}. Retryable: the pool recovers by itself when the store is back.
 */
public class PoolStateStoreUnavailableException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /** The error code, as the official SDKs name it. */
    public static final String CODE = "POOL_STATE_STORE_UNAVAILABLE";

    /**
     * Creates the exception.
     *
     * @param message what failed (operation and pool name; never a credential)
     * @param cause the store client's failure, or {@code null}
     */
    public PoolStateStoreUnavailableException(String message, @Nullable Throwable cause) {
        super(new SandboxError(CODE, message), null, cause);
    }

    /**
     * Always {@code true}: a store outage is transient.
     *
     * @return {@code true}
     */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
