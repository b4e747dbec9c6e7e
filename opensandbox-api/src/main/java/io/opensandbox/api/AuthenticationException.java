package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** The server refused the credentials (HTTP 401 or 403): check the API key, or the endpoint headers for execd and egress. */
public class AuthenticationException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public AuthenticationException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
