package io.opensandbox.api;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A server answered with an HTTP error status. The subtypes name the statuses callers usually branch on.
 *
 * <p>{@link #error()} holds the server's code and message when its body had them ({@code {code, message}},
 * FastAPI's {@code {"detail": ...}}, {@code {"error": ...}}), else {@link SandboxError#UNEXPECTED_RESPONSE} with
 * a short, sanitised excerpt of the body.
 */
public class SandboxApiException extends SandboxException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final @Nullable Duration retryAfter;

    /**
     * Creates an exception for an HTTP error status.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public SandboxApiException(int statusCode, SandboxError error, @Nullable String requestId) {
        this(statusCode, error, requestId, null);
    }

    /**
     * Creates an exception for an HTTP error status that came with a {@code Retry-After}.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     */
    public SandboxApiException(
            int statusCode, SandboxError error, @Nullable String requestId, @Nullable Duration retryAfter) {
        super("HTTP " + statusCode + " " + describe(error, requestId), error, requestId, null);
        this.statusCode = statusCode;
        this.retryAfter = retryAfter;
    }

    /**
     * How long the server asked the client to wait ({@code Retry-After}, sent with 429 and 503).
     *
     * @return the wait, when the server sent one
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The HTTP status code of the response.
     *
     * @return the status
     */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Retryable for 408, 425, 429, 500, 502, 503 and 504.
     *
     * @return whether the status is transient
     */
    @Override
    public boolean isRetryable() {
        return switch (statusCode) {
            case 408, 425, 429, 500, 502, 503, 504 -> true;
            default -> false;
        };
    }
}
