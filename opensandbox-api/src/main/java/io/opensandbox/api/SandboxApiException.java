package io.opensandbox.api;

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

    /**
     * Creates an exception for an HTTP error status.
     *
     * @param statusCode the HTTP status
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public SandboxApiException(int statusCode, SandboxError error, @Nullable String requestId) {
        super("HTTP " + statusCode + " " + describe(error, requestId), error, requestId, null);
        this.statusCode = statusCode;
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
        switch (statusCode) {
            case 408, 425, 429, 500, 502, 503, 504:
                return true;
            default:
                return false;
        }
    }
}
