package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** A connect, request or stream idle timeout, or a caller's deadline, expired before the server answered. */
public class SandboxTimeoutException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with code {@link SandboxError#TIMEOUT}.
     *
     * @param message what happened and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public SandboxTimeoutException(String message, @Nullable Throwable cause) {
        super(new SandboxError(SandboxError.TIMEOUT, message), null, cause);
    }

    /**
     * Always {@code true}: the same call may succeed later.
     *
     * @return {@code true}
     */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
