package io.opensandbox.api;

import org.jspecify.annotations.Nullable;

/** A stream (command output, download) ended or broke before it was complete: a closed connection with no terminal event, a reset or a truncated body. Output delivered before the break was real. */
public class StreamBrokenException extends SandboxException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with code {@link SandboxError#STREAM_BROKEN}.
     *
     * @param message what happened and what to do next
     * @param cause the underlying failure, or {@code null}
     */
    public StreamBrokenException(String message, @Nullable Throwable cause) {
        super(new SandboxError(SandboxError.STREAM_BROKEN, message), null, cause);
    }
}
