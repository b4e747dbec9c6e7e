package io.opensandbox.pool;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;

/** No usable idle sandbox was there and the policy was {@link AcquirePolicy#FAIL_FAST}. Code {@code POOL_EMPTY}. */
public class PoolEmptyException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /** The error code, as the official SDKs name it. */
    public static final String CODE = "POOL_EMPTY";

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do next
     */
    public PoolEmptyException(String message) {
        super(new SandboxError(CODE, message), null, null);
    }

    /**
     * Always {@code true}: the pool may have an idle sandbox a moment later.
     *
     * @return {@code true}
     */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
