package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** A caller passed an invalid argument; raised before any request is sent. */
public class InvalidArgumentException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with code {@link SandboxError#INVALID_ARGUMENT}.
     *
     * @param message what happened and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public InvalidArgumentException(String message, @Nullable Throwable cause) {
        super(new SandboxError(SandboxError.INVALID_ARGUMENT, message), null, cause);
    }
}
