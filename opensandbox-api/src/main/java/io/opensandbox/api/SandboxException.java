package io.opensandbox.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every failure the SDK reports. Unchecked.
 *
 * <p>Every instance carries a {@link SandboxError} (code and message), the server's request id when the failure
 * came from a response, whether repeating the call could succeed ({@link #isRetryable()}) and how many attempts
 * were made. Subtypes name the cases callers branch on. Messages never contain secrets.
 */
public class SandboxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final SandboxError error;
    private final @Nullable String requestId;
    private volatile int attempts = 1;

    /**
     * Creates an exception.
     *
     * @param error the code and message
     * @param requestId the server's request id, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    public SandboxException(SandboxError error, @Nullable String requestId, @Nullable Throwable cause) {
        this(describe(Objects.requireNonNull(error, "error"), requestId), error, requestId, cause);
    }

    /**
     * Creates an exception with a message of the subtype's choosing.
     *
     * @param message the full message
     * @param error the code and message
     * @param requestId the server's request id, or {@code null}
     * @param cause the underlying failure, or {@code null}
     */
    protected SandboxException(
            String message, SandboxError error, @Nullable String requestId, @Nullable Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
        this.requestId = requestId;
    }

    /**
     * Creates an exception with no request id and no cause.
     *
     * @param code the error code
     * @param message the message
     */
    public SandboxException(String code, String message) {
        this(new SandboxError(code, message), null, null);
    }

    static String describe(SandboxError error, @Nullable String requestId) {
        String text = error.code() + ": " + error.message();
        return requestId == null ? text : text + " (request id " + requestId + ")";
    }

    /**
     * The error code and message.
     *
     * @return the error
     */
    public SandboxError error() {
        return error;
    }

    /**
     * The request id the server gave the failed request ({@code X-Request-ID}), when there was a response.
     *
     * @return the request id
     */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /**
     * Whether the same call could succeed if repeated later (a transient failure).
     *
     * @return {@code true} when a retry makes sense
     */
    public boolean isRetryable() {
        return false;
    }

    /**
     * How many attempts the SDK made before giving up: 1 when the call was not retried.
     *
     * @return the number of attempts
     */
    public int attempts() {
        return attempts;
    }

    /**
     * Records how many attempts were made; used by the SDK's retry logic.
     *
     * @param attempts the number of attempts, at least 1
     * @return this exception
     */
    public SandboxException withAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
        return this;
    }
}
