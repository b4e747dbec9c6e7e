package io.opensandbox.network;

import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import org.jspecify.annotations.Nullable;

/**
 * The sandbox's Credential Proxy is not ready (HTTP 412): the sandbox was created without the credential proxy, or it has not started yet. Retryable: retry after a short wait, or create the sandbox with the credential proxy enabled. Code {@link EgressErrorCodes#PROXY_NOT_READY}.
 */
public class CredentialProxyNotReadyException extends SandboxApiException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status, normally 412
     * @param error the code and message
     * @param requestId the request id, or {@code null}
     */
    public CredentialProxyNotReadyException(int statusCode, SandboxError error, @Nullable String requestId) {
        super(statusCode, error, requestId);
    }

    /**
     * Always retryable: the proxy may start later.
     *
     * @return {@code true}
     */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
