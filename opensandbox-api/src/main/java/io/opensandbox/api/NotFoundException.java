package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** The sandbox, snapshot, file or other resource does not exist (HTTP 404). */
public class NotFoundException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public NotFoundException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
