package io.opensandbox.files;

import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import org.jspecify.annotations.Nullable;

/**
 * The requested byte range starts past the end of the file (HTTP 416): read the file's size with {@link SandboxFiles#getFileInfo(String)} and ask for a range inside it.
 *
 * <p>{@link #error()} keeps the server's code and message; {@link #statusCode()} the HTTP status.
 */
public class RangeNotSatisfiableException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the server's code and message
     * @param requestId the request id, or {@code null}
     */
    public RangeNotSatisfiableException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
