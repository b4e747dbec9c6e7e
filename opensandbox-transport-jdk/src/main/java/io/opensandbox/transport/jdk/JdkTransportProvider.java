package io.opensandbox.transport.jdk;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.transport.jdk.internal.JdkTransport;

/**
 * Provides the {@code jdk} transport: the JDK's {@link java.net.http.HttpClient}, HTTP/1.1, pooled connections and
 * response bodies streamed with backpressure, with no dependency beyond the JDK. Found by
 * {@link java.util.ServiceLoader}; applications rarely use this class directly.
 */
public final class JdkTransportProvider implements TransportProvider {
    /** The name users select this transport by. */
    public static final String NAME = "jdk";

    /** The priority among several providers: lower than {@code httpclient5} (100), which wins when both are present. */
    public static final int PRIORITY = 50;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public JdkTransportProvider() {}

    /**
     * The name users select this transport by.
     *
     * @return {@code jdk}
     */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * The priority among several providers found at once.
     *
     * @return 50
     */
    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Creates a transport with its own {@link java.net.http.HttpClient}, connection pool and threads; close it to
     * release them.
     *
     * @param options the connection settings
     * @return a new transport
     */
    @Override
    public Transport create(TransportOptions options) {
        return JdkTransport.create(NAME, options);
    }
}
