package io.opensandbox.api.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings a {@link TransportProvider} creates a transport with.
 *
 * @param connectTimeout the longest wait for a TCP (and TLS) connection
 * @param maxConnections the most connections open at once, over all hosts and per host
 * @param userAgent the {@code User-Agent} to send when a request does not carry one
 */
public record TransportOptions(Duration connectTimeout, int maxConnections, String userAgent) {

    /**
     * Checks the components.
     *
     * @param connectTimeout the longest wait for a TCP (and TLS) connection
     * @param maxConnections the most connections open at once, over all hosts and per host
     * @param userAgent the {@code User-Agent} to send when a request does not carry one
     */
    public TransportOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(userAgent, "userAgent");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
    }
}
