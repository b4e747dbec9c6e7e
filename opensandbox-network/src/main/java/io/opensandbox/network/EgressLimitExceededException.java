package io.opensandbox.network;

import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import org.jspecify.annotations.Nullable;

/**
 * The egress sidecar refused a request that exceeds one of its limits (HTTP 413): too many egress rules in the policy, or a Credential Vault body that is too large. Delete rules that are no longer needed, merge targets into wildcard domains, or split the change. Code {@link EgressErrorCodes#LIMIT_EXCEEDED}.
 */
public class EgressLimitExceededException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status, normally 413
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public EgressLimitExceededException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }
}
