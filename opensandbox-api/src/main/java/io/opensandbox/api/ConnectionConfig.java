package io.opensandbox.api;

import io.opensandbox.api.spi.Transport;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * How to reach an OpenSandbox deployment: the lifecycle server's domain, the API key, timeouts and transport.
 * Immutable and thread-safe; made with {@link #builder()}.
 *
 * <p>Unset values fall back to the environment: {@code OPEN_SANDBOX_API_KEY} and {@code OPEN_SANDBOX_DOMAIN}
 * (default {@code localhost:8080}). Invalid values are rejected by {@link Builder#build()} with an
 * {@link InvalidArgumentException}, before any request.
 *
 * <h2>Connection pools</h2>
 *
 * Every sandbox and manager made from one {@code ConnectionConfig} instance shares one transport and its
 * connection pool. When the config names no transport, the SDK creates one on first use and closes it when the
 * last sandbox or manager using it is closed. A transport passed with {@link Builder#transport(Transport)} belongs
 * to the application and is never closed by the SDK.
 */
public final class ConnectionConfig {

    /** The environment variable the API key falls back to. */
    public static final String API_KEY_ENV = "OPEN_SANDBOX_API_KEY";

    /** The environment variable the domain falls back to. */
    public static final String DOMAIN_ENV = "OPEN_SANDBOX_DOMAIN";

    /** The domain used when none is configured. */
    public static final String DEFAULT_DOMAIN = "localhost:8080";

    /** The longest request, connect or stream idle timeout accepted: one day. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    /** The header carrying the API key to the lifecycle server (and to no other server). */
    public static final String API_KEY_HEADER = "OPEN-SANDBOX-API-KEY";

    private final @Nullable String apiKey;
    private final String domain;
    private final String protocol;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration streamIdleTimeout;
    private final boolean debug;
    private final Map<String, String> headers;
    private final boolean useServerProxy;
    private final @Nullable Transport transport;
    private final @Nullable String transportName;
    private final int maxConnections;
    private final RetryPolicy retryPolicy;
    private final @Nullable Duration callTimeout;
    private final CallListener callListener;

    private ConnectionConfig(Builder builder, UnaryOperator<@Nullable String> environment) {
        String key = builder.apiKey != null ? builder.apiKey : environment.apply(API_KEY_ENV);
        this.apiKey = key == null || key.isBlank() ? null : key.strip();
        if (this.apiKey != null) {
            HeaderChecks.check(API_KEY_HEADER, this.apiKey);
        }
        String rawDomain = builder.domain != null ? builder.domain : environment.apply(DOMAIN_ENV);
        if (rawDomain == null) {
            rawDomain = DEFAULT_DOMAIN;
        }
        String schemeOfDomain = schemeOf(rawDomain);
        this.domain = normaliseDomain(rawDomain);
        String chosenProtocol =
                builder.protocol != null ? builder.protocol : schemeOfDomain != null ? schemeOfDomain : "http";
        this.protocol = chosenProtocol.toLowerCase(Locale.ROOT);
        if (!this.protocol.equals("http") && !this.protocol.equals("https")) {
            throw new InvalidArgumentException(
                    "protocol must be 'http' or 'https', not '" + chosenProtocol + "'", null);
        }
        this.requestTimeout = positive("requestTimeout", builder.requestTimeout);
        this.connectTimeout = positive("connectTimeout", builder.connectTimeout);
        this.streamIdleTimeout = positive("streamIdleTimeout", builder.streamIdleTimeout);
        this.debug = builder.debug;
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        builder.headers.forEach((name, value) -> {
            HeaderChecks.check(name, value);
            if (name.equalsIgnoreCase(API_KEY_HEADER)) {
                throw new InvalidArgumentException(
                        "set the API key with apiKey(...), not as a custom header: custom headers also go to the"
                                + " sandbox, the API key must not",
                        null);
            }
            copy.put(name, value);
        });
        this.headers = Collections.unmodifiableMap(copy);
        this.useServerProxy = builder.useServerProxy;
        this.transport = builder.transport;
        this.transportName = builder.transportName;
        if (builder.maxConnections < 1 || builder.maxConnections > 10_000) {
            throw new InvalidArgumentException(
                    "maxConnections must be between 1 and 10000, not " + builder.maxConnections, null);
        }
        this.maxConnections = builder.maxConnections;
        this.retryPolicy = builder.retryPolicy;
        this.callTimeout = builder.callTimeout == null ? null : positive("callTimeout", builder.callTimeout);
        this.callListener = builder.callListener;
    }

    /**
     * Starts a config; every setting has a default.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /**
     * Starts a config that reads fallbacks from the given environment instead of the process environment.
     *
     * @param environment looks up an environment variable, {@code null} when unset
     * @return a builder
     */
    static Builder builder(UnaryOperator<@Nullable String> environment) {
        return new Builder(environment);
    }

    /**
     * A config with every setting at its default or environment value.
     *
     * @return the config
     */
    public static ConnectionConfig fromEnvironment() {
        return builder().build();
    }

    /**
     * A builder holding this config's settings.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder(System::getenv);
        builder.apiKey = apiKey == null ? "" : apiKey;
        builder.domain = domain;
        builder.protocol = protocol;
        builder.requestTimeout = requestTimeout;
        builder.connectTimeout = connectTimeout;
        builder.streamIdleTimeout = streamIdleTimeout;
        builder.debug = debug;
        builder.headers.putAll(headers);
        builder.useServerProxy = useServerProxy;
        builder.transport = transport;
        builder.transportName = transportName;
        builder.maxConnections = maxConnections;
        builder.retryPolicy = retryPolicy;
        builder.callTimeout = callTimeout;
        builder.callListener = callListener;
        return builder;
    }

    private static @Nullable String schemeOf(String domain) {
        int index = domain.indexOf("://");
        return index > 0 ? domain.substring(0, index).strip() : null;
    }

    private static String normaliseDomain(String raw) {
        String value = raw.strip();
        int scheme = value.indexOf("://");
        if (scheme >= 0) {
            value = value.substring(scheme + 3);
        }
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.endsWith("/v1")) {
            value = value.substring(0, value.length() - 3);
        }
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw new InvalidArgumentException(
                    "domain is blank: set ConnectionConfig.builder().domain(\"host:port\") or " + DOMAIN_ENV, null);
        }
        if (value.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '?' || c == '#' || c == '@')) {
            throw new InvalidArgumentException(
                    "domain '" + raw + "' is not a host[:port][/path]: it contains spaces, control characters, '?',"
                            + " '#' or '@'",
                    null);
        }
        return value;
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidArgumentException(name + " must be positive, not " + value, null);
        }
        if (value.compareTo(MAX_TIMEOUT) > 0) {
            // longer is a mistake, and Duration.ofSeconds(Long.MAX_VALUE) would overflow when used as nanoseconds
            throw new InvalidArgumentException(name + " of " + value + " is longer than a day", null);
        }
        return value;
    }

    /**
     * The API key sent to the lifecycle server.
     *
     * @return the key, if one is configured
     */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /**
     * The lifecycle server's domain, normalised: no scheme, no trailing slash, no {@code /v1}; it may keep a path
     * prefix ({@code gateway.example.com/opensandbox}).
     *
     * @return the domain
     */
    public String domain() {
        return domain;
    }

    /**
     * {@code http} or {@code https}, for the lifecycle server and for the sandbox endpoints.
     *
     * @return the protocol
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The lifecycle API's base URL: {@code protocol://domain/v1}.
     *
     * @return the base URL
     */
    public String lifecycleBaseUrl() {
        return protocol + "://" + domain + "/v1";
    }

    /**
     * The longest wait for a response to an ordinary request (default 30 s). It never cuts a stream or a file
     * transfer that is still moving; those are bounded by {@link #streamIdleTimeout()}. It bounds each attempt,
     * not the call: with the {@link #retryPolicy()} a call may make {@code maxRetries + 1} attempts with backoff
     * waits (or the server's {@code Retry-After}) between them. A timeout is a {@link SandboxTimeoutException}.
     *
     * @return the request timeout
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * The longest wait for a connection (default 10 s). A connect timeout is reported as a
     * {@link ConnectionException} whose {@link ConnectionException#requestSent()} is false (its cause is the
     * timeout), so even a {@code POST} is retried after it.
     *
     * @return the connect timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The longest silence allowed inside a stream (command output, file transfer) while data is owed (default 60
     * s; execd sends a ping every 3 s during commands).
     *
     * @return the stream idle timeout
     */
    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    /**
     * Whether requests and responses are logged (at INFO, logger {@code io.opensandbox.http}), with every
     * credential redacted.
     *
     * @return whether debug logging is on
     */
    public boolean debug() {
        return debug;
    }

    /**
     * Extra headers sent on every request, to the lifecycle server and to the sandbox endpoints.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Whether sandbox endpoints are reached through the lifecycle server's proxy instead of directly.
     *
     * @return whether the server proxy is used
     */
    public boolean useServerProxy() {
        return useServerProxy;
    }

    /**
     * The transport passed by the application, which the SDK never closes.
     *
     * @return the transport, if one was passed
     */
    public Optional<Transport> transport() {
        return Optional.ofNullable(transport);
    }

    /**
     * The name of the transport provider to use when several are present.
     *
     * @return the name, if one was set
     */
    public Optional<String> transportName() {
        return Optional.ofNullable(transportName);
    }

    /**
     * The most connections the SDK-created transport opens at once (default 256).
     *
     * @return the limit
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * The overall deadline of one SDK call, every attempt and backoff included (default none: each attempt is
     * bounded by {@link #requestTimeout()} and the retry policy bounds the attempts). For a stream or a transfer it
     * bounds the wait for the response headers; the body is bounded by {@link #streamIdleTimeout()} and the
     * operation's own limits. A call that runs out fails with a {@link SandboxTimeoutException}.
     *
     * @return the call timeout, if one is set
     */
    public Optional<Duration> callTimeout() {
        return Optional.ofNullable(callTimeout);
    }

    /**
     * When failed requests are repeated (default {@link RetryPolicy#defaults()}).
     *
     * @return the retry policy
     */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * Who is told of every call (default {@link CallListener#NONE}).
     *
     * @return the call listener
     */
    public CallListener callListener() {
        return callListener;
    }

    @Override
    public String toString() {
        return "ConnectionConfig{domain="
                + domain
                + ", protocol="
                + protocol
                + ", apiKey="
                + (apiKey == null ? "<none>" : "<redacted>")
                + ", requestTimeout="
                + requestTimeout
                + ", connectTimeout="
                + connectTimeout
                + ", streamIdleTimeout="
                + streamIdleTimeout
                + ", debug="
                + debug
                + ", headers="
                + headers.keySet()
                + ", useServerProxy="
                + useServerProxy
                + ", transport="
                + (transport != null ? transport.name() : transportName != null ? transportName : "<auto>")
                + ", maxConnections="
                + maxConnections
                + ", retryPolicy="
                + retryPolicy
                + ", callTimeout="
                + (callTimeout == null ? "<none>" : callTimeout)
                + (callListener == CallListener.NONE
                        ? ""
                        : ", callListener=" + callListener.getClass().getName())
                + "}";
    }

    /** Builds a {@link ConnectionConfig}. Not thread-safe. */
    public static final class Builder {
        private final UnaryOperator<@Nullable String> environment;
        private @Nullable String apiKey;
        private @Nullable String domain;
        private @Nullable String protocol;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration streamIdleTimeout = Duration.ofSeconds(60);
        private boolean debug;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean useServerProxy;
        private @Nullable Transport transport;
        private @Nullable String transportName;
        private int maxConnections = 256;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private @Nullable Duration callTimeout;
        private CallListener callListener = CallListener.NONE;

        private Builder(UnaryOperator<@Nullable String> environment) {
            this.environment = environment;
        }

        /**
         * Sets the API key (else {@code OPEN_SANDBOX_API_KEY}).
         *
         * @param apiKey the key
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /**
         * Sets the lifecycle server's domain (else {@code OPEN_SANDBOX_DOMAIN}, else {@code localhost:8080}). A
         * scheme ({@code https://...}) also sets the protocol unless {@link #protocol(String)} is called; a
         * trailing slash or {@code /v1} is removed.
         *
         * @param domain {@code host[:port][/path]}, optionally with a scheme
         * @return this builder
         */
        public Builder domain(String domain) {
            this.domain = Objects.requireNonNull(domain, "domain");
            return this;
        }

        /**
         * Sets the protocol, {@code http} (default) or {@code https}.
         *
         * @param protocol the protocol
         * @return this builder
         */
        public Builder protocol(String protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * Sets the timeout of ordinary requests (default 30 s).
         *
         * @param requestTimeout a positive duration, at most {@link #MAX_TIMEOUT}
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * Sets the connect timeout (default 10 s).
         *
         * @param connectTimeout a positive duration, at most {@link #MAX_TIMEOUT}
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Sets the stream idle timeout (default 60 s).
         *
         * @param streamIdleTimeout a positive duration, at most {@link #MAX_TIMEOUT}
         * @return this builder
         */
        public Builder streamIdleTimeout(Duration streamIdleTimeout) {
            this.streamIdleTimeout = Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
            return this;
        }

        /**
         * Turns logging of requests and responses on or off (default off). Credentials are always redacted.
         *
         * @param debug whether to log
         * @return this builder
         */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /**
         * Adds a header sent on every request, to the lifecycle server and to sandbox endpoints.
         *
         * @param name the header name
         * @param value the value, without CR or LF
         * @return this builder
         */
        public Builder header(String name, String value) {
            this.headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds headers sent on every request.
         *
         * @param headers the headers
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /**
         * Reaches sandbox endpoints through the lifecycle server's proxy (default off).
         *
         * @param useServerProxy whether to use the proxy
         * @return this builder
         */
        public Builder useServerProxy(boolean useServerProxy) {
            this.useServerProxy = useServerProxy;
            return this;
        }

        /**
         * Uses this transport for every call. The SDK never closes it.
         *
         * @param transport the transport
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Chooses the transport provider by name when several are present (else the system property {@code
         * opensandbox.transport} or the environment variable {@code OPEN_SANDBOX_TRANSPORT}).
         *
         * @param transportName the provider's name, for example {@code httpclient5}
         * @return this builder
         */
        public Builder transportName(String transportName) {
            this.transportName = Objects.requireNonNull(transportName, "transportName");
            return this;
        }

        /**
         * Sets the most connections the SDK-created transport opens at once (default 256).
         *
         * @param maxConnections between 1 and 10,000
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets when failed requests are repeated (default {@link RetryPolicy#defaults()}; {@link
         * RetryPolicy#disabled()} for never).
         *
         * @param retryPolicy the policy
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /**
         * Sets an overall deadline for each SDK call, retries and backoff included (default none).
         *
         * @param callTimeout a positive duration, at most {@link #MAX_TIMEOUT}
         * @return this builder
         */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
            return this;
        }

        /**
         * Sets who is told of every call: metrics, traces, audit logs (default {@link CallListener#NONE}). See
         * {@link CallListener} for the threads it runs on and what it is given.
         *
         * @param callListener the listener
         * @return this builder
         */
        public Builder callListener(CallListener callListener) {
            this.callListener = Objects.requireNonNull(callListener, "callListener");
            return this;
        }

        /**
         * Checks the settings and builds the config.
         *
         * @return the config
         * @throws InvalidArgumentException if a setting is invalid
         */
        public ConnectionConfig build() {
            return new ConnectionConfig(this, environment);
        }
    }
}
