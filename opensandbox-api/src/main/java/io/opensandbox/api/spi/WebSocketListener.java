package io.opensandbox.api.spi;

import java.nio.ByteBuffer;

/**
 * Receives what a WebSocket connection delivers, one call at a time (see {@link WebSockets} for the demand rule).
 * A message may arrive as several calls, the last one with {@code last} set: a fragmented message always does, and
 * a transport may also split one frame into several parts (the JDK's does, for large frames and at buffer
 * boundaries); parts are never joined across messages, and text arrives decoded (never a partial UTF-8 sequence).
 */
public interface WebSocketListener {

    /**
     * The handshake succeeded. Called once, before any other method.
     *
     * @param session the session, through which the listener sends and asks for more messages
     */
    default void onOpen(WebSocketSession session) {}

    /**
     * A text frame (or a fragment of a text message).
     *
     * @param data the text
     * @param last whether this completes the message
     */
    void onText(CharSequence data, boolean last);

    /**
     * A binary frame (or a fragment of a binary message).
     *
     * @param data the bytes, owned by the listener
     * @param last whether this completes the message
     */
    void onBinary(ByteBuffer data, boolean last);

    /**
     * A ping from the server; the transport has answered it.
     *
     * @param data the ping's payload
     */
    default void onPing(ByteBuffer data) {}

    /**
     * A pong from the server.
     *
     * @param data the pong's payload
     */
    default void onPong(ByteBuffer data) {}

    /**
     * The server closed the connection with a close frame. Nothing is delivered afterwards.
     *
     * @param statusCode the close code ({@code 1005} when the frame had none)
     * @param reason the reason, possibly empty
     */
    void onClose(int statusCode, String reason);

    /**
     * The connection failed (reset, protocol error, aborted). Nothing is delivered afterwards.
     *
     * @param error the failure, an {@link java.io.IOException} for network failures
     */
    void onError(Throwable error);
}
