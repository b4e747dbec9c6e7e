package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** An unexpected failure inside the SDK, or a response the SDK could not understand. */
public class SandboxInternalException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with code {@link SandboxError#INTERNAL_UNKNOWN_ERROR}.
     *
     * @param message what happened and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public SandboxInternalException(String message, @Nullable Throwable cause) {
        super(new SandboxError(SandboxError.INTERNAL_UNKNOWN_ERROR, message), null, cause);
    }
}
