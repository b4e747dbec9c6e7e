package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** A sandbox did not answer its health check within the ready timeout. The message names the domain, the proxy mode, the attempts and the last error. */
public class SandboxReadyTimeoutException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with code {@link SandboxError#READY_TIMEOUT}.
     *
     * @param message what happened and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public SandboxReadyTimeoutException(String message, @Nullable Throwable cause) {
        super(new SandboxError(SandboxError.READY_TIMEOUT, message), null, cause);
    }
}
