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
     * from then on (the transport never reuses it); no more buffers are delivered than were requested. A body
     * that ends early fails with an {@link java.io.IOException}. Cancelling the subscription aborts the exchange.
     *
     * @return the body publisher
     */
    Flow.Publisher<ByteBuffer> body();

    /** Aborts the exchange if its body was not read to the end. Idempotent. */
    @Override
    void close();
}
