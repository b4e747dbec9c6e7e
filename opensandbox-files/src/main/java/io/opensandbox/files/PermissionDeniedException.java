package io.opensandbox.files;

import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import org.jspecify.annotations.Nullable;

/**
 * The user execd runs as may not read or change a file (HTTP 403, or an execd error whose message says {@code permission denied}): fix the file's owner or mode, or use another path.
 *
 * <p>{@link #error()} keeps the server's code and message; {@link #statusCode()} the HTTP status.
 */
public class PermissionDeniedException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status
     * @param error the server's code and message
     * @param requestId the request id, or {@code null}
     */
    public PermissionDeniedException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
