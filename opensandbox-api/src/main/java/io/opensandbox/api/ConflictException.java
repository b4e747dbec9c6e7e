package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** The request conflicts with the current state (HTTP 409): for example a snapshot still being created or a stale Credential Vault revision. */
public class ConflictException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public ConflictException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
