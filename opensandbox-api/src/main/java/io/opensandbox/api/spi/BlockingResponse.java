package io.opensandbox.api.spi;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A response of a {@linkplain BlockingExchanges blocking exchange} whose headers arrived. Its body is read on the
 * calling thread; the caller reads it to its end or closes the response, which aborts what was not read.
 */
public interface BlockingResponse extends AutoCloseable {

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
     * The body, read from the connection as the caller reads it. A body that ends early fails with an
     * {@link java.io.IOException}; so does a read that waits longer than the idle timeout, and every read after the
     * exchange was aborted.
     *
     * @return the body stream (the same one on every call)
     */
    InputStream body();

    /** Ends the exchange: a body read to its end leaves the connection for reuse, any other is aborted. Idempotent. */
    @Override
    void close();
}
