package io.opensandbox.api.spi;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A transport failure raised when the request provably never reached the server (no byte of it was written), so
 * even a non-idempotent request may be repeated safely.
 */
public final class RequestNotSentException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause the underlying failure, or {@code null}
     */
    public RequestNotSentException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
