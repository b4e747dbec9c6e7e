package io.opensandbox.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code opensandbox.*} configuration properties, bound by Spring Boot and turned into a
 * {@link io.opensandbox.api.ConnectionConfig}. Unset values keep the SDK's defaults, which fall back to the
 * environment ({@code OPEN_SANDBOX_DOMAIN}, {@code OPEN_SANDBOX_API_KEY}) like a plain Java application.
 * Validation is the SDK's: an invalid value fails the application context at start with the SDK's message.
 */
@ConfigurationProperties(prefix = "opensandbox")
public class OpenSandboxProperties {

    /** The lifecycle server's domain, host[:port][/path], optionally with a scheme; else OPEN_SANDBOX_DOMAIN. */
    private @Nullable String domain;

    /** The protocol, http or https (default http, or the domain's scheme). */
    private @Nullable String protocol;

    /** The API key sent to the lifecycle server only; else OPEN_SANDBOX_API_KEY. Never logged. */
    private @Nullable String apiKey;

    /** How long to wait for a response's headers (default 30s). */
    private @Nullable Duration requestTimeout;

    /** How long to wait for a connection (default 10s). */
    private @Nullable Duration connectTimeout;

    /** How long a stream (command output, download) may stay silent (default 60s). */
    private @Nullable Duration streamIdleTimeout;

    /** An overall deadline for each SDK call, retries and waits included (default none). */
    private @Nullable Duration callTimeout;

    /** The transport to use by name, httpclient5 or jdk (default: the highest-priority one found). */
    private @Nullable String transport;

    /** Log every request and response at debug level, secrets redacted. */
    private boolean debug;

    /** Reach sandboxes through the lifecycle server's proxy instead of their direct endpoints. */
    private boolean useServerProxy;

    /** The most connections the transport keeps open (default 256). */
    private @Nullable Integer maxConnections;

    /** Extra headers sent to the lifecycle server and to every sandbox endpoint. */
    private Map<String, String> headers = new LinkedHashMap<>();

    /** The health indicator. */
    private final Health health = new Health();

    /** Micrometer Observation of SDK calls. */
    private final Observations observations = new Observations();

    /** The sandbox pool, made when opensandbox-pool is on the class path and opensandbox.pool.name is set. */
    private final Pool pool = new Pool();

    /**
     * The domain.
     *
     * @return the domain, or {@code null} when unset
     */
    public @Nullable String getDomain() {
        return domain;
    }

    /**
     * Sets the domain.
     *
     * @param domain the domain
     */
    public void setDomain(@Nullable String domain) {
        this.domain = domain;
    }

    /**
     * The protocol.
     *
     * @return the protocol, or {@code null} when unset
     */
    public @Nullable String getProtocol() {
        return protocol;
    }

    /**
     * Sets the protocol.
     *
     * @param protocol {@code http} or {@code https}
     */
    public void setProtocol(@Nullable String protocol) {
        this.protocol = protocol;
    }

    /**
     * The API key.
     *
     * @return the key, or {@code null} when unset
     */
    public @Nullable String getApiKey() {
        return apiKey;
    }

    /**
     * Sets the API key.
     *
     * @param apiKey the key
     */
    public void setApiKey(@Nullable String apiKey) {
        this.apiKey = apiKey;
    }

    /**
     * The request timeout.
     *
     * @return the timeout, or {@code null} when unset
     */
    public @Nullable Duration getRequestTimeout() {
        return requestTimeout;
    }

    /**
     * Sets the request timeout.
     *
     * @param requestTimeout the timeout
     */
    public void setRequestTimeout(@Nullable Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /**
     * The connect timeout.
     *
     * @return the timeout, or {@code null} when unset
     */
    public @Nullable Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout the timeout
     */
    public void setConnectTimeout(@Nullable Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * The stream idle timeout.
     *
     * @return the timeout, or {@code null} when unset
     */
    public @Nullable Duration getStreamIdleTimeout() {
        return streamIdleTimeout;
    }

    /**
     * Sets the stream idle timeout.
     *
     * @param streamIdleTimeout the timeout
     */
    public void setStreamIdleTimeout(@Nullable Duration streamIdleTimeout) {
        this.streamIdleTimeout = streamIdleTimeout;
    }

    /**
     * The call timeout.
     *
     * @return the timeout, or {@code null} when unset
     */
    public @Nullable Duration getCallTimeout() {
        return callTimeout;
    }

    /**
     * Sets the call timeout.
     *
     * @param callTimeout the timeout
     */
    public void setCallTimeout(@Nullable Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /**
     * The transport's name.
     *
     * @return the name, or {@code null} when unset
     */
    public @Nullable String getTransport() {
        return transport;
    }

    /**
     * Sets the transport's name.
     *
     * @param transport {@code httpclient5} or {@code jdk}
     */
    public void setTransport(@Nullable String transport) {
        this.transport = transport;
    }

    /**
     * Whether requests are logged.
     *
     * @return whether debug logging is on
     */
    public boolean isDebug() {
        return debug;
    }

    /**
     * Sets whether requests are logged.
     *
     * @param debug whether debug logging is on
     */
    public void setDebug(boolean debug) {
        this.debug = debug;
    }

    /**
     * Whether sandboxes are reached through the server's proxy.
     *
     * @return whether the server proxy is used
     */
    public boolean isUseServerProxy() {
        return useServerProxy;
    }

    /**
     * Sets whether sandboxes are reached through the server's proxy.
     *
     * @param useServerProxy whether the server proxy is used
     */
    public void setUseServerProxy(boolean useServerProxy) {
        this.useServerProxy = useServerProxy;
    }

    /**
     * The most connections kept open.
     *
     * @return the count, or {@code null} when unset
     */
    public @Nullable Integer getMaxConnections() {
        return maxConnections;
    }

    /**
     * Sets the most connections kept open.
     *
     * @param maxConnections the count
     */
    public void setMaxConnections(@Nullable Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    /**
     * Extra headers.
     *
     * @return the headers, by name
     */
    public Map<String, String> getHeaders() {
        return headers;
    }

    /**
     * Sets extra headers.
     *
     * @param headers the headers, by name
     */
    public void setHeaders(Map<String, String> headers) {
        this.headers = new LinkedHashMap<>(headers);
    }

    /**
     * The health indicator's settings.
     *
     * @return the settings
     */
    public Health getHealth() {
        return health;
    }

    /**
     * The observation settings.
     *
     * @return the settings
     */
    public Observations getObservations() {
        return observations;
    }

    /**
     * The sandbox pool's settings.
     *
     * @return the settings
     */
    public Pool getPool() {
        return pool;
    }

    /** Settings of the {@code opensandbox} health indicator. */
    public static class Health {
        /** Whether the health indicator is registered (when Actuator is present). */
        private boolean enabled = true;

        /**
         * Whether the health indicator is registered.
         *
         * @return whether it is enabled
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the health indicator is registered.
         *
         * @param enabled whether it is enabled
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Settings of the Micrometer Observation of SDK calls. */
    public static class Observations {
        /** Whether every SDK call is observed (when Micrometer Observation is present). */
        private boolean enabled = true;

        /**
         * Whether every SDK call is observed.
         *
         * @return whether it is enabled
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether every SDK call is observed.
         *
         * @param enabled whether it is enabled
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * Settings of the sandbox pool ({@code opensandbox-pool}). Unset values keep the pool builder's defaults;
     * validation is the pool's, so an invalid value fails the application context at start.
     */
    public static class Pool {
        /** The pool's name, shared by every process of the pool; setting it makes the pool. */
        private @Nullable String name;

        /** Idle sandboxes kept ready, the pool-wide target (required with a name). */
        private @Nullable Integer maxIdle;

        /** The image of the pool's sandboxes (or describe them with a SandboxPoolCustomizer bean). */
        private @Nullable String image;

        /** The most sandboxes created at once (default max(1, ceil(maxIdle * 0.2))). */
        private @Nullable Integer warmupConcurrency;

        /** The lifetime of an idle sandbox (default 24h). */
        private @Nullable Duration idleTimeout;

        /** The least time an idle sandbox must have left to be handed out (default min(60s, idleTimeout / 2)). */
        private @Nullable Duration acquireMinRemainingTtl;

        /** Renews every acquired sandbox to this timeout (default none). */
        private @Nullable Duration leaseTimeout;

        /** What acquire() does with no usable idle sandbox: direct-create (default) or fail-fast. */
        private @Nullable String acquirePolicy;

        /** Whether acquire() creates directly when the state store cannot be reached (default false). */
        private @Nullable Boolean directCreateWhenStoreUnavailable;

        /** The pause between two replenishes (default 30s). */
        private @Nullable Duration reconcileInterval;

        /** The lifetime of the primary lock (default 60s); longer than reconcile-interval. */
        private @Nullable Duration primaryLockTtl;

        /** Failed creates in a row after which the pool is DEGRADED (default 3). */
        private @Nullable Integer degradedThreshold;

        /** How long closing the pool waits for leases to be released (default 30s). */
        private @Nullable Duration drainTimeout;

        /**
         * The pool's name, shared by every process of the pool; setting it makes the pool.
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets the name setting.
         *
         * @param name the value, or {@code null} for the default
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /**
         * Idle sandboxes kept ready, the pool-wide target (required with a name).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Integer getMaxIdle() {
            return maxIdle;
        }

        /**
         * Sets the maxIdle setting.
         *
         * @param maxIdle the value, or {@code null} for the default
         */
        public void setMaxIdle(@Nullable Integer maxIdle) {
            this.maxIdle = maxIdle;
        }

        /**
         * The image of the pool's sandboxes (or describe them with a SandboxPoolCustomizer bean).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable String getImage() {
            return image;
        }

        /**
         * Sets the image setting.
         *
         * @param image the value, or {@code null} for the default
         */
        public void setImage(@Nullable String image) {
            this.image = image;
        }

        /**
         * The most sandboxes created at once (default max(1, ceil(maxIdle * 0.2))).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Integer getWarmupConcurrency() {
            return warmupConcurrency;
        }

        /**
         * Sets the warmupConcurrency setting.
         *
         * @param warmupConcurrency the value, or {@code null} for the default
         */
        public void setWarmupConcurrency(@Nullable Integer warmupConcurrency) {
            this.warmupConcurrency = warmupConcurrency;
        }

        /**
         * The lifetime of an idle sandbox (default 24h).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Duration getIdleTimeout() {
            return idleTimeout;
        }

        /**
         * Sets the idleTimeout setting.
         *
         * @param idleTimeout the value, or {@code null} for the default
         */
        public void setIdleTimeout(@Nullable Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        /**
         * The least time an idle sandbox must have left to be handed out (default min(60s, idleTimeout / 2)).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Duration getAcquireMinRemainingTtl() {
            return acquireMinRemainingTtl;
        }

        /**
         * Sets the acquireMinRemainingTtl setting.
         *
         * @param acquireMinRemainingTtl the value, or {@code null} for the default
         */
        public void setAcquireMinRemainingTtl(@Nullable Duration acquireMinRemainingTtl) {
            this.acquireMinRemainingTtl = acquireMinRemainingTtl;
        }

        /**
         * Renews every acquired sandbox to this timeout (default none).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Duration getLeaseTimeout() {
            return leaseTimeout;
        }

        /**
         * Sets the leaseTimeout setting.
         *
         * @param leaseTimeout the value, or {@code null} for the default
         */
        public void setLeaseTimeout(@Nullable Duration leaseTimeout) {
            this.leaseTimeout = leaseTimeout;
        }

        /**
         * What acquire() does with no usable idle sandbox: direct-create (default) or fail-fast.
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable String getAcquirePolicy() {
            return acquirePolicy;
        }

        /**
         * Sets the acquirePolicy setting.
         *
         * @param acquirePolicy the value, or {@code null} for the default
         */
        public void setAcquirePolicy(@Nullable String acquirePolicy) {
            this.acquirePolicy = acquirePolicy;
        }

        /**
         * Whether acquire() creates directly when the state store cannot be reached (default false).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Boolean getDirectCreateWhenStoreUnavailable() {
            return directCreateWhenStoreUnavailable;
        }

        /**
         * Sets the directCreateWhenStoreUnavailable setting.
         *
         * @param directCreateWhenStoreUnavailable the value, or {@code null} for the default
         */
        public void setDirectCreateWhenStoreUnavailable(@Nullable Boolean directCreateWhenStoreUnavailable) {
            this.directCreateWhenStoreUnavailable = directCreateWhenStoreUnavailable;
        }

        /**
         * The pause between two replenishes (default 30s).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Duration getReconcileInterval() {
            return reconcileInterval;
        }

        /**
         * Sets the reconcileInterval setting.
         *
         * @param reconcileInterval the value, or {@code null} for the default
         */
        public void setReconcileInterval(@Nullable Duration reconcileInterval) {
            this.reconcileInterval = reconcileInterval;
        }

        /**
         * The lifetime of the primary lock (default 60s); longer than reconcile-interval.
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Duration getPrimaryLockTtl() {
            return primaryLockTtl;
        }

        /**
         * Sets the primaryLockTtl setting.
         *
         * @param primaryLockTtl the value, or {@code null} for the default
         */
        public void setPrimaryLockTtl(@Nullable Duration primaryLockTtl) {
            this.primaryLockTtl = primaryLockTtl;
        }

        /**
         * Failed creates in a row after which the pool is DEGRADED (default 3).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Integer getDegradedThreshold() {
            return degradedThreshold;
        }

        /**
         * Sets the degradedThreshold setting.
         *
         * @param degradedThreshold the value, or {@code null} for the default
         */
        public void setDegradedThreshold(@Nullable Integer degradedThreshold) {
            this.degradedThreshold = degradedThreshold;
        }

        /**
         * How long closing the pool waits for leases to be released (default 30s).
         *
         * @return the value, or {@code null} for the default
         */
        public @Nullable Duration getDrainTimeout() {
            return drainTimeout;
        }

        /**
         * Sets the drainTimeout setting.
         *
         * @param drainTimeout the value, or {@code null} for the default
         */
        public void setDrainTimeout(@Nullable Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
        }
    }
}
