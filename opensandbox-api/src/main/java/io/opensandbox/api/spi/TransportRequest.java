package io.opensandbox.api.spi;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as a transport sees it. Immutable; made with {@link #newBuilder(String, URI)}.
 *
 * <p>Header values may be secrets: {@link #toString()} prints header names only.
 */
public final class TransportRequest {
    private final String method;
    private final URI uri;
    private final Map<String, List<String>> headers;
    private final @Nullable RequestBody body;
    private final Duration timeout;
    private final @Nullable Duration idleTimeout;

    private TransportRequest(Builder builder) {
        this.method = builder.method;
        this.uri = builder.uri;
        this.headers = Collections.unmodifiableMap(builder.headers);
        builder.built = true;
        this.body = builder.body;
        this.timeout = builder.timeout;
        this.idleTimeout = builder.idleTimeout;
    }

    /**
     * Starts a request.
     *
     * @param method the HTTP method, upper case ({@code GET}, {@code POST}, {@code DELETE} with a body, ...)
     * @param uri the absolute {@code http} or {@code https} URI
     * @return a builder
     */
    public static Builder newBuilder(String method, URI uri) {
        return new Builder(method, uri);
    }

    /**
     * The HTTP method.
     *
     * @return the method
     */
    public String method() {
        return method;
    }

    /**
     * The absolute URI.
     *
     * @return the URI
     */
    public URI uri() {
        return uri;
    }

    /**
     * The headers, keyed case-insensitively.
     *
     * @return an unmodifiable map
     */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The body, if any.
     *
     * @return the body
     */
    public Optional<RequestBody> body() {
        return Optional.ofNullable(body);
    }

    /**
     * The longest wait for the response headers: from the call to {@link Transport#send} for requests without a
     * body or with an in-memory body; from the moment a streamed body was completely sent for streamed uploads,
     * whose sending is bounded by {@link #idleTimeout()} instead, however long it takes. Never applied to the
     * response body.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The longest silence allowed while a body (request or response) is flowing and the other side owes data.
     *
     * @return the idle timeout, or empty for none
     */
    public Optional<Duration> idleTimeout() {
        return Optional.ofNullable(idleTimeout);
    }

    @Override
    public String toString() {
        return "TransportRequest{" + method + " " + uri + ", headers=" + headers.keySet() + "}";
    }

    /** Builds a {@link TransportRequest}. */
    public static final class Builder {
        private final String method;
        private final URI uri;
        // Values are immutable lists; the map is handed to the request that build() makes and copied before the
        // builder changes it again, so building does not copy it.
        private TreeMap<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private boolean built;
        private @Nullable RequestBody body;
        private Duration timeout = Duration.ofSeconds(30);
        private @Nullable Duration idleTimeout;

        private Builder(String method, URI uri) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            this.uri = Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("uri must be absolute http or https: " + uri);
            }
        }

        /**
         * Adds a header value.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            List<String> added = List.of(Objects.requireNonNull(value, "value"));
            writableHeaders().merge(name, added, (old, more) -> {
                List<String> all = new ArrayList<>(old);
                all.addAll(more);
                return List.copyOf(all);
            });
            return this;
        }

        /**
         * Sets a header, replacing earlier values of the same name (compared case-insensitively).
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder setHeader(String name, String value) {
            writableHeaders().put(name, List.of(Objects.requireNonNull(value, "value")));
            return this;
        }

        private Map<String, List<String>> writableHeaders() {
            if (built) {
                headers = new TreeMap<>(headers);
                built = false;
            }
            return headers;
        }

        /**
         * Sets the body.
         *
         * @param body the body, or {@code null} for none
         * @return this builder
         */
        public Builder body(@Nullable RequestBody body) {
            this.body = body;
            return this;
        }

        /**
         * Sets the response-headers timeout (default 30 seconds).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the body idle timeout (default none).
         *
         * @param idleTimeout a positive duration, or {@code null} for none
         * @return this builder
         */
        public Builder idleTimeout(@Nullable Duration idleTimeout) {
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                throw new IllegalArgumentException("idleTimeout must be positive");
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public TransportRequest build() {
            return new TransportRequest(this);
        }
    }
}
