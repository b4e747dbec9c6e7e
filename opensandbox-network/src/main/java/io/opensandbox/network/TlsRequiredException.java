package io.opensandbox.network;

import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import org.jspecify.annotations.Nullable;

/**
 * The egress sidecar refuses Credential Vault writes over plain HTTP to a non-loopback address (HTTP 426): reach the egress endpoint over https ({@code ConnectionConfig.builder().protocol("https")}) or through a loopback address. Code {@link EgressErrorCodes#TLS_REQUIRED}.
 */
public class TlsRequiredException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status, normally 426
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public TlsRequiredException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
