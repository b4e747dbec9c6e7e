package io.opensandbox.api.spi;

import java.util.concurrent.CompletableFuture;

/**
 * An optional capability of a {@link Transport}: WebSocket connections (RFC 6455), offered through
 * {@link Transport#webSockets()}. The SDK uses it for sandbox features that speak WebSocket, such as interactive
 * terminals; a transport without it still serves every HTTP feature, and the SDK fails a WebSocket feature on it
 * with {@link io.opensandbox.api.SandboxError#UNSUPPORTED}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #connect} sends the opening handshake with the request's headers and completes once the server
 *       accepted it (status 101), with a session whose {@link WebSocketListener} has been told
 *       {@link WebSocketListener#onOpen onOpen}. A refused handshake fails the future with a
 *       {@link WebSocketHandshakeException} that carries the status; a connection that could not be made fails
 *       it with the {@link java.io.IOException}s {@link Transport#send} uses. The request's
 *       {@link WebSocketRequest#connectTimeout() connect timeout} bounds the whole handshake.
 *   <li>Messages are delivered to the listener one call at a time, never concurrently, and no more than the
 *       listener asked for with {@link WebSocketSession#request(long)} (back-pressure: a listener that asks for
 *       nothing more stops the transport from reading the connection). The count starts at one when the session
 *       opens. Each {@code onText}, {@code onBinary}, {@code onPing} and {@code onPong} call uses one; {@code
 *       onClose} and {@code onError} are delivered without being asked for and end the session.
 *   <li>The transport answers a ping with a pong itself, and answers a close frame from the server with a close
 *       frame (the same code) when the listener has not sent one.
 *   <li>Data handed to the listener belongs to the listener: the transport does not reuse it.
 *   <li>Closing the transport aborts its open sessions and tells their listeners through {@code onError} with an
 *       {@link java.io.IOException}; {@link WebSocketSession#abort()} tells the listener nothing.
 *   <li>Listener calls may run on the transport's I/O threads: consumers hand user code to threads of their own.
 * </ul>
 */
public interface WebSockets {

    /**
     * Opens a WebSocket connection.
     *
     * @param request the {@code ws} or {@code wss} URI and the handshake headers
     * @param listener told of everything the connection receives
     * @return a future completed with the open session, or failed with an {@link java.io.IOException}
     */
    CompletableFuture<WebSocketSession> connect(WebSocketRequest request, WebSocketListener listener);
}
