package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/**
 * The call was still waiting or running when the object that owns it was closed: a {@code SandboxManager}, a
 * {@code Sandbox} or a handle built with {@link DirectHandle}. Closing frees every caller at once (a call
 * waiting for headers, mid-stream, in a retry wait, in readiness polling or in a file transfer) with this
 * exception. Not retryable through the closed object.
 */
public class SandboxClosedException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was closed and what the call was doing
     * @param cause the underlying failure, if any
     */
    public SandboxClosedException(String message, @Nullable Throwable cause) {
        super(new SandboxError(SandboxError.CLOSED, message), null, cause);
    }
}
