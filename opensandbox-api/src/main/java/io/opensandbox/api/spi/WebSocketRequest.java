package io.opensandbox.api.spi;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A WebSocket opening handshake as a transport sees it. Immutable; made with {@link #newBuilder(URI)}.
 *
 * <p>Header values may be secrets: {@link #toString()} prints header names only.
 */
public final class WebSocketRequest {
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final Duration connectTimeout;

    private WebSocketRequest(Builder builder) {
        this.uri = builder.uri;
        this.headers = Collections.unmodifiableMap(new TreeMap<>(builder.headers));
        this.connectTimeout = builder.connectTimeout;
    }

    /**
     * Starts a handshake request.
     *
     * @param uri the absolute {@code ws} or {@code wss} URI
     * @return a builder
     */
    public static Builder newBuilder(URI uri) {
        return new Builder(uri);
    }

    /**
     * The absolute {@code ws} or {@code wss} URI.
     *
     * @return the URI
     */
    public URI uri() {
        return uri;
    }

    /**
     * The headers of the handshake, keyed case-insensitively.
     *
     * @return an unmodifiable map
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The bound on the whole opening handshake.
     *
     * @return the timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public String toString() {
        return "WebSocketRequest[" + uri + ", headers=" + headers.keySet() + "]";
    }

    /** Builds a {@link WebSocketRequest}. */
    public static final class Builder {
        private final URI uri;
        private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private Duration connectTimeout = Duration.ofSeconds(30);

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("ws") || scheme.equals("wss"))) {
                throw new IllegalArgumentException("not an absolute ws or wss URI: " + uri);
            }
            this.uri = uri;
        }

        /**
         * Adds a header value.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            return this;
        }

        /**
         * Sets the bound on the opening handshake (default 30 seconds).
         *
         * @param connectTimeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public WebSocketRequest build() {
            return new WebSocketRequest(this);
        }
    }
}
