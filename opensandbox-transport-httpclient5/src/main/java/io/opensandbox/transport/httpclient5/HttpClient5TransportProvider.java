package io.opensandbox.transport.httpclient5;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.transport.httpclient5.internal.HttpClient5Transport;

/**
 * Provides the {@code httpclient5} transport: Apache HttpClient 5, asynchronous, HTTP/1.1, pooled connections and
 * response bodies streamed with backpressure. Found by {@link java.util.ServiceLoader}; applications rarely use this
 * class directly.
 */
public final class HttpClient5TransportProvider implements TransportProvider {
    /** The name users select this transport by. */
    public static final String NAME = "httpclient5";

    /** The priority among several providers. */
    public static final int PRIORITY = 100;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public HttpClient5TransportProvider() {}

    /**
     * The name users select this transport by.
     *
     * @return {@code httpclient5}
     */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * The priority among several providers found at once.
     *
     * @return 100
     */
    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Creates a transport with its own connection pool and threads; close it to release them.
     *
     * @param options the connection settings
     * @return a new transport
     */
    @Override
    public Transport create(TransportOptions options) {
        return HttpClient5Transport.create(NAME, options);
    }
}
