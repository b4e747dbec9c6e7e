package io.opensandbox.api.spi;

/**
 * Creates transports; found with {@link java.util.ServiceLoader} ({@code provides
 * io.opensandbox.api.spi.TransportProvider with ...} in a module, or
 * {@code META-INF/services/io.opensandbox.api.spi.TransportProvider} on the class path).
 *
 * <p>How the SDK chooses: a transport passed in the connection config wins; else the provider named by the config,
 * the system property {@code opensandbox.transport} or the environment variable {@code OPEN_SANDBOX_TRANSPORT};
 * else the only provider present; else the one provider with the highest {@link #priority()}; else the SDK fails
 * and lists the candidates. It never picks at random.
 */
public interface TransportProvider {

    /**
     * The name users select this transport by, lower case (for example {@code httpclient5} or {@code jdk}).
     *
     * @return the name
     */
    String name();

    /**
     * The priority among several providers found at once; the highest wins when it is unique.
     *
     * @return the priority
     */
    int priority();

    /**
     * Creates a transport with its own connection pool.
     *
     * @param options the connection settings
     * @return a new transport, owned by the caller
     */
    Transport create(TransportOptions options);
}
