package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** The server could not be reached, or the connection broke before a response arrived. */
public class ConnectionException extends SandboxException {
    private static final long serialVersionUID = 1L;

    private final boolean requestSent;

    /**
     * Creates the exception with code {@link SandboxError#CONNECTION_ERROR}.
     *
     * @param message what happened and what to do next
     * @param cause the underlying failure, or {@code null}
     * @param requestSent {@code false} only when the request provably never reached the server
     */
    public ConnectionException(String message, @Nullable Throwable cause, boolean requestSent) {
        super(new SandboxError(SandboxError.CONNECTION_ERROR, message), null, cause);
        this.requestSent = requestSent;
    }

    /**
     * Whether the request may have reached the server. {@code false} means it provably did not (the connection
     * was refused or failed before the first byte was written), so even a non-idempotent call is safe to repeat.
     *
     * @return whether the request may have been sent
     */
    public boolean requestSent() {
        return requestSent;
    }

    /**
     * Always {@code true}: a connection failure is transient. Whether a non-idempotent call may be repeated
     * depends on {@link #requestSent()}.
     *
     * @return {@code true}
     */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
