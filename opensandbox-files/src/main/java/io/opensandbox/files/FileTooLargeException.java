package io.opensandbox.files;

import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import org.jspecify.annotations.Nullable;

/**
 * The server, or a gateway in front of it, refused an upload as too large (HTTP 413): raise the gateway's body size limit, or split the data into smaller files and write them in separate calls.
 *
 * <p>{@link #error()} keeps the server's code and message; {@link #statusCode()} the HTTP status.
 */
public class FileTooLargeException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the server's code and message
     * @param requestId the request id, or {@code null}
     */
    public FileTooLargeException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
