package io.opensandbox.api.spi;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * A response whose headers arrived and whose body has not been read yet.
 *
 * <p>The receiver must either consume the body to its end, cancel its subscription, or {@link #close()} the
 * response; otherwise the connection stays busy.
 */
public interface TransportResponse extends AutoCloseable {

    /**
     * The HTTP status code.
     *
     * @return the status
     */
    int statusCode();

    /**
     * The response headers, keyed case-insensitively.
     *
     * @return an unmodifiable map
     */
    Map<String, List<String>> headers();

    /**
     * The first value of a header, looked up case-insensitively.
     *
     * @param name the header name
     * @return the value, if present
     */
    default Optional<String> header(String name) {
        List<String> values = headers().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * The body. Only one subscriber is allowed. Each buffer passed to {@code onNext} belongs to the subscriber
     * from then on (the transport touches it again only if the subscriber gives it back with
     * {@link #releaseBuffer(ByteBuffer)}); no more buffers are delivered than were requested. A body that ends early
     * fails with an {@link java.io.IOException}. Cancelling the subscription aborts the exchange.
     *
     * @return the body publisher
     */
    Flow.Publisher<ByteBuffer> body();

    /**
     * Gives a body buffer back once the caller is done with it, so that the transport can fill it again instead of
     * allocating a new one (a download then moves gigabytes through a few reused buffers, with no garbage to
     * collect). Optional on both sides: a caller that never releases loses nothing, and a transport may ignore the
     * call (the default). After the call the caller must not touch the buffer again; only a buffer this response's
     * body delivered may be released, and only once. May be called from any thread, also after the body ended.
     *
     * @param buffer a buffer the body delivered
     */
    default void releaseBuffer(ByteBuffer buffer) {}

    /** Aborts the exchange if its body was not read to the end. Idempotent. */
    @Override
    void close();
}
