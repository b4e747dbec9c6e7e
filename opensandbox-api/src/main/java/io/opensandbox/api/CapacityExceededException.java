package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** The server has no capacity for the request (HTTP 507); retry later or free resources. */
public class CapacityExceededException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public CapacityExceededException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
