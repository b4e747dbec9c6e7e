package io.opensandbox.api.spi;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The server answered a WebSocket opening handshake with something other than {@code 101 Switching Protocols}. */
public final class WebSocketHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    /**
     * Creates the exception for a refusal whose headers are not known.
     *
     * @param statusCode the HTTP status the server answered with
     * @param body the start of the response body (the transport reads at most 64 KiB), empty when none
     * @param message what happened, with no header values
     */
    public WebSocketHandshakeException(int statusCode, byte[] body, String message) {
        this(statusCode, Map.of(), body, message);
    }

    /**
     * Creates the exception.
     *
     * @param statusCode the HTTP status the server answered with
     * @param headers the refusal's response headers (such as {@code X-Request-ID} and {@code Retry-After}); they are
     *     kept for the SDK's error mapping and never put into a message
     * @param body the start of the response body (the transport reads at most 64 KiB), empty when none
     * @param message what happened, with no header values
     */
    public WebSocketHandshakeException(int statusCode, Map<String, List<String>> headers, byte[] body, String message) {
        super(message);
        this.statusCode = statusCode;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && values != null) {
                copy.put(name, List.copyOf(values));
            }
        });
        this.headers = Map.copyOf(copy);
        this.body = body.clone();
    }

    /**
     * The refusal's response headers, as the transport received them (names as sent; look them up ignoring case).
     *
     * @return an unmodifiable map, empty when the transport did not pass them on
     */
    public Map<String, List<String>> headers() {
        return headers;
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
