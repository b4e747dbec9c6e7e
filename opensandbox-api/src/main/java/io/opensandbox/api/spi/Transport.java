package io.opensandbox.api.spi;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP transport: sends one request and hands back the response with its body as a stream.
 *
 * <p>Implementations are thread-safe and share their connection pool between all exchanges. They use only JDK
 * types at this boundary, so the SDK never sees the HTTP library underneath.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #send} completes when the response headers arrived, with the body not yet read. The request's
 *       {@link TransportRequest#timeout() timeout} bounds the wait for the headers (for a streamed upload,
 *       counted from the end of the upload); it never cuts a body that is still flowing.
 *   <li>The response body is read through {@link TransportResponse#body()}, a single-subscriber
 *       {@link java.util.concurrent.Flow.Publisher} that delivers no more buffers than requested: an
 *       implementation reads from the network only as fast as the subscriber asks (backpressure) and never
 *       buffers a body without bound.
 *   <li>{@link TransportRequest#idleTimeout()} bounds the time between two chunks of a request or response body
 *       while the other side owes data; a subscriber that has not requested more is never timed out.
 *   <li>Cancelling the future returned by {@link #send}, cancelling the body subscription, or closing the
 *       response aborts the exchange; an aborted connection is never reused.
 *   <li>Failures are {@link java.io.IOException}s: {@link java.net.ConnectException} or
 *       {@link RequestNotSentException} when the request provably never reached the server (a connect timeout is
 *       a {@code RequestNotSentException} whose cause is a {@code SocketTimeoutException}),
 *       {@link java.net.SocketTimeoutException} for every timeout, any other {@code IOException} for a broken
 *       exchange. A body that ends early (truncated, reset) fails with an {@code IOException}, never a normal
 *       completion.
 *   <li>Futures may complete and body signals may arrive on the transport's I/O threads: consumers hand user code
 *       to threads of their own.
 * </ul>
 *
 * <p>A transport passed to the SDK by the application is never closed by the SDK; one the SDK created through a
 * {@link TransportProvider} is closed when the last sandbox or manager using it is closed.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends a request.
     *
     * @param request the request
     * @return a future completed with the response once its headers arrived, or failed with an
     *     {@link java.io.IOException}
     */
    CompletableFuture<TransportResponse> send(TransportRequest request);

    /**
     * Exchanges on the calling thread, if this transport has them: an optional capability (see
     * {@link BlockingExchanges}) that the SDK uses for blocking calls with small bodies. The default has none, and
     * every exchange goes through {@link #send}.
     *
     * @return the capability, or empty
     */
    default Optional<BlockingExchanges> blockingExchanges() {
        return Optional.empty();
    }

    /**
     * WebSocket connections, if this transport has them: an optional capability (see {@link WebSockets}) that
     * interactive features such as terminals need. The default has none.
     *
     * @return the capability, or empty
     */
    default Optional<WebSockets> webSockets() {
        return Optional.empty();
    }

    /**
     * The transport's name, as its provider reports it (for example {@code httpclient5}).
     *
     * @return the name
     */
    String name();

    /** Releases the connection pool and the transport's threads. Exchanges still running are aborted. */
    @Override
    void close();
}
