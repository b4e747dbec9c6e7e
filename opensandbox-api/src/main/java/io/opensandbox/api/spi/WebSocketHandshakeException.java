package io.opensandbox.api.spi;

import java.io.IOException;

/** The server answered a WebSocket opening handshake with something other than {@code 101 Switching Protocols}. */
public final class WebSocketHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final byte[] body;

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status the server answered with
     * @param body the start of the response body (the transport reads at most 64 KiB), empty when none
     * @param message what happened, with no header values
     */
    public WebSocketHandshakeException(int statusCode, byte[] body, String message) {
        super(message);
        this.statusCode = statusCode;
        this.body = body.clone();
    }

    /**
     * The start of the refusal's body, such as the server's JSON error.
     *
     * @return a copy of the bytes, empty when none
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The HTTP status of the refusal.
     *
     * @return the status
     */
    public int statusCode() {
        return statusCode;
    }
}
