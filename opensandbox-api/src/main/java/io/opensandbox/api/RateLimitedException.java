package io.opensandbox.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The server asks the client to slow down (HTTP 429). {@link #retryAfter()} says how long, when it said. */
public class RateLimitedException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     */
    public RateLimitedException(
            int statusCode, SandboxError error, @Nullable String requestId, @Nullable Duration retryAfter) {
        super(statusCode, error, requestId, retryAfter);
    }
}
