package io.opensandbox.api.spi;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * An open WebSocket connection. Thread-safe; sends are queued in call order, each future completing when its
 * frame has been written.
 */
public interface WebSocketSession {

    /**
     * Sends a text frame.
     *
     * @param data the text
     * @param last whether this completes the message (false sends a fragment)
     * @return completed when written
     */
    CompletableFuture<Void> sendText(CharSequence data, boolean last);

    /**
     * Sends a binary frame.
     *
     * @param data the bytes, not to be changed until the future completes
     * @param last whether this completes the message (false sends a fragment)
     * @return completed when written
     */
    CompletableFuture<Void> sendBinary(ByteBuffer data, boolean last);

    /**
     * Sends a ping.
     *
     * @param data at most 125 bytes
     * @return completed when written
     */
    CompletableFuture<Void> sendPing(ByteBuffer data);

    /**
     * Sends a close frame; the connection closes once the server answers (or {@link #abort()} is called).
     *
     * @param statusCode the close code
     * @param reason the reason, at most 123 bytes in UTF-8
     * @return completed when written
     */
    CompletableFuture<Void> sendClose(int statusCode, String reason);

    /**
     * Asks for more messages (see {@link WebSockets} for the demand rule).
     *
     * @param n how many more, positive
     */
    void request(long n);

    /** Closes the connection at once, without a closing handshake. The listener is not told. */
    void abort();
}
