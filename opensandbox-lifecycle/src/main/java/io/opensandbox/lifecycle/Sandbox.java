package io.opensandbox.lifecycle;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.internal.Handles;
import io.opensandbox.api.internal.Observed;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.spi.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox: made with {@link #builder()} ({@code create}), {@link #connector(String)} ({@code connect}) or
 * {@link #resume()}. Thread-safe.
 *
 * <p>A sandbox is a {@link SandboxHandle}: capabilities take it ({@code Commands.of(sandbox)},
 * {@code Files.of(sandbox)}, ...). Endpoints are resolved through the lifecycle server once per port and reused;
 * their headers go with every request to them, and the lifecycle API key never does.
 *
 * <p>{@link #kill()} terminates the remote sandbox; {@link #close()} only releases this object's local resources
 * (its use of the shared connection pool), unless the sandbox was built with {@code killOnClose(true)}. Use
 * try-with-resources and call {@code kill()} when the sandbox is no longer needed.
 */
public final class Sandbox implements SandboxHandle, AutoCloseable {
    /** The default lifetime of a new sandbox: 10 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    /** The default wait for a new sandbox to become ready: 30 seconds. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(30);

    /** The default pause between health checks: 200 ms. */
    public static final Duration DEFAULT_POLLING_INTERVAL = Duration.ofMillis(200);

    /** The default entry process, which keeps the sandbox alive. */
    public static final List<String> DEFAULT_ENTRYPOINT = List.of("tail", "-f", "/dev/null");

    /** The default resource limits: one CPU and 2 GiB of memory. */
    public static final Map<String, String> DEFAULT_RESOURCES = Map.of("cpu", "1", "memory", "2Gi");

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    private final String id;
    private final ConnectionConfig config;
    private final Transports.Lease lease;
    private final LifecycleCalls calls;
    private final Options options;
    private final Map<Integer, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable ApiClient execd;

    private Sandbox(String id, ConnectionConfig config, Transports.Lease lease, Options options) {
        this.id = id;
        this.config = config;
        this.lease = lease;
        this.calls = new LifecycleCalls(lease, config);
        this.options = options;
        Handles.bind(this, lease);
    }

    /**
     * Starts the description of a new sandbox.
     *
     * @return a builder; {@link Builder#create()} creates the sandbox
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a sandbox from an image with every other setting at its default, using the environment's
     * connection settings, and waits until it is ready.
     *
     * @param image the image, for example {@code python:3.12}
     * @return the ready sandbox
     */
    public static Sandbox create(String image) {
        return builder().image(image).create();
    }

    /**
     * Starts connecting to an existing sandbox.
     *
     * @param sandboxId the sandbox id
     * @return a connector; {@link Connector#connect()} connects
     */
    public static Connector connector(String sandboxId) {
        return new Connector(LifecycleCalls.id(sandboxId, "sandbox id"));
    }

    /**
     * Connects to an existing sandbox and waits until it answers its health check.
     *
     * @param sandboxId the sandbox id
     * @param config the connection settings
     * @return the connected sandbox
     */
    public static Sandbox connect(String sandboxId, ConnectionConfig config) {
        return connector(sandboxId).connectionConfig(config).connect();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ConnectionConfig connectionConfig() {
        return config;
    }

    /**
     * The transport this sandbox's calls go through, shared with every sandbox and manager of the same config.
     *
     * @return the transport
     */
    public Transport transport() {
        ensureOpen();
        return lease.transport();
    }

    Transports.Lease lease() {
        return lease;
    }

    /**
     * The endpoint of a port, resolved once (honouring {@code useServerProxy}) and then reused.
     *
     * @param port the port inside the sandbox
     * @return the endpoint
     */
    @Override
    public Endpoint endpoint(int port) {
        LifecycleCalls.checkPort(port);
        Endpoint known = endpoints.get(port);
        if (known != null) {
            return known;
        }
        Endpoint resolved = getEndpoint(port);
        Endpoint raced = endpoints.putIfAbsent(port, resolved);
        return raced != null ? raced : resolved;
    }

    String knownEndpointAddress(int port) {
        Endpoint known = endpoints.get(port);
        return known == null ? "<unresolved>" : known.address();
    }

    ApiClient execdClient() {
        ApiClient client = execd;
        if (client == null) {
            Endpoint endpoint = endpoint(EXECD_PORT);
            client = new ApiClient(lease, config, endpoint.baseUrl(config.protocol()), endpoint.headers());
            execd = client;
        }
        return client;
    }

    /**
     * Asks the lifecycle server for the endpoint of a port now (no cache), honouring {@code useServerProxy}.
     *
     * @param port the port inside the sandbox, 1 to 65535
     * @return the endpoint: an address that may carry a path, and headers to send with every request
     */
    public Endpoint getEndpoint(int port) {
        ensureOpen();
        return Observed.run(
                config,
                "sandbox.getEndpoint",
                id,
                () -> Futures.await(
                        calls.endpointAsync(id, port, config.useServerProxy(), null),
                        "resolve endpoint " + port + " of " + id));
    }

    /**
     * The base URL of a port: {@code protocol://address}, by concatenation.
     *
     * @param port the port inside the sandbox
     * @return the URL
     */
    public String getEndpointUrl(int port) {
        return getEndpoint(port).baseUrl(config.protocol());
    }

    /**
     * A signed endpoint of a port that stays valid until {@code expiresAt}. Never combined with the server proxy
     * (the server refuses that combination).
     *
     * @param port the port inside the sandbox
     * @param expiresAt when the signature expires, in the future
     * @return the endpoint
     */
    public Endpoint getSignedEndpoint(int port, Instant expiresAt) {
        ensureOpen();
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(Instant.now())) {
            throw new InvalidArgumentException(
                    "a signed endpoint must expire in the future, not at " + expiresAt, null);
        }
        return Observed.run(
                config,
                "sandbox.getSignedEndpoint",
                id,
                () -> Futures.await(
                        calls.endpointAsync(id, port, false, expiresAt.getEpochSecond()),
                        "sign endpoint " + port + " of " + id));
    }

    /**
     * What the lifecycle server knows of this sandbox now.
     *
     * @return the info
     */
    public SandboxInfo getInfo() {
        ensureOpen();
        return Observed.run(config, "sandbox.getInfo", id, () -> calls.get(id));
    }

    /**
     * Whether execd answers its ping now.
     *
     * @return whether the sandbox is healthy
     */
    public boolean isHealthy() {
        ensureOpen();
        return Observed.run(config, "sandbox.isHealthy", id, () -> {
            try {
                execdClient()
                        .call("GET", "/ping")
                        .retryPolicy(RetryPolicy.disabled())
                        .execute();
                return true;
            } catch (SandboxException e) {
                LOG.debug("sandbox {} is not healthy: {}", id, e.getMessage());
                return false;
            }
        });
    }

    /**
     * Asks the server to pause the sandbox. Pausing is asynchronous: the state goes {@code Pausing} then
     * {@code Paused}; poll {@link #getInfo()} to see it.
     */
    public void pause() {
        ensureOpen();
        Observed.run(config, "sandbox.pause", id, () -> {
            calls.pause(id);
            return null;
        });
    }

    /**
     * Resumes a paused sandbox and connects to it again, re-resolving its endpoints, which can change across a
     * pause. This instance keeps its old endpoints: use the returned one, and close this one.
     *
     * @return a new connected instance
     */
    public Sandbox resume() {
        ensureOpen();
        return Futures.await(resumeAsync(), "resume sandbox " + id);
    }

    /**
     * Resumes a paused sandbox asynchronously; see {@link #resume()}.
     *
     * @return a future of a new connected instance
     */
    public CompletableFuture<Sandbox> resumeAsync() {
        ensureOpen();
        return Observed.runAsync(
                config,
                "sandbox.resume",
                id,
                () -> calls.resumeAsync(id).thenCompose(ignored -> connectAsync(id, config, options)));
    }

    /**
     * Extends the sandbox's life to {@code now + timeout}.
     *
     * @param timeout how long from now the sandbox should live
     * @return the new expiry, as the server confirmed it
     */
    public Instant renew(Duration timeout) {
        ensureOpen();
        return Observed.run(config, "sandbox.renew", id, () -> calls.renew(id, timeout));
    }

    /**
     * Changes metadata (JSON merge patch): a {@code null} value deletes its key, absent keys stay.
     *
     * @param patch the changes
     * @return the sandbox as the server has it afterwards
     */
    public SandboxInfo patchMetadata(Map<String, @Nullable String> patch) {
        ensureOpen();
        return Observed.run(config, "sandbox.patchMetadata", id, () -> calls.patchMetadata(id, patch));
    }

    /**
     * Starts a snapshot of the sandbox. Capture is asynchronous: the state is {@code Creating} until
     * {@code Ready} or {@code Failed}; wait with {@link SandboxManager#waitForSnapshot(String, Duration)}.
     *
     * @param name a name, or {@code null}
     * @return the snapshot as accepted
     */
    public SnapshotInfo createSnapshot(@Nullable String name) {
        ensureOpen();
        return Observed.run(config, "snapshot.create", id, () -> calls.createSnapshot(id, name));
    }

    /**
     * Diagnostic logs of the sandbox.
     *
     * @param scope {@code container}, {@code lifecycle}, {@code runtime}, {@code network}, {@code process},
     *     {@code all} or another scope the server supports
     * @return the logs, inline or as a URL
     */
    public DiagnosticContent getDiagnosticLogs(String scope) {
        ensureOpen();
        return Observed.run(config, "sandbox.getDiagnosticLogs", id, () -> calls.diagnostics(id, "logs", scope));
    }

    /**
     * Diagnostic events of the sandbox.
     *
     * @param scope the scope, as for {@link #getDiagnosticLogs(String)}
     * @return the events, inline or as a URL
     */
    public DiagnosticContent getDiagnosticEvents(String scope) {
        ensureOpen();
        return Observed.run(config, "sandbox.getDiagnosticEvents", id, () -> calls.diagnostics(id, "events", scope));
    }

    /** Terminates the sandbox on the server. Irreversible. Local resources stay until {@link #close()}. */
    public void kill() {
        ensureOpen();
        Observed.run(config, "sandbox.kill", id, () -> {
            calls.kill(id);
            return null;
        });
    }

    /**
     * Waits until the sandbox answers its health check.
     *
     * @param timeout the longest wait
     * @throws io.opensandbox.api.SandboxReadyTimeoutException if it does not in time
     */
    public void waitUntilReady(Duration timeout) {
        ensureOpen();
        Futures.await(
                Readiness.await(this, positive(timeout, "timeout"), options.pollingInterval, options.healthCheck),
                "wait for sandbox " + id);
    }

    /**
     * Releases this object's local resources: its use of the shared connection pool (closed with its last
     * user). Does not kill the sandbox unless it was built with {@code killOnClose(true)}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (options.killOnClose) {
                try {
                    Observed.run(config, "sandbox.kill", id, () -> {
                        calls.kill(id);
                        return null;
                    });
                } catch (SandboxException e) {
                    LOG.warn("could not kill sandbox {} on close: {}", id, e.getMessage());
                }
            }
        } finally {
            lease.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new SandboxException(
                    SandboxError.INVALID_ARGUMENT, "sandbox " + id + " was closed; connect again to use it");
        }
    }

    @Override
    public String toString() {
        return "Sandbox{id=" + id + ", domain=" + config.domain() + "}";
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidArgumentException(name + " must be positive, not " + value, null);
        }
        if (value.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidArgumentException(name + " of " + value + " is longer than a day", null);
        }
        return value;
    }

    private static CompletableFuture<Sandbox> connectAsync(String id, ConnectionConfig config, Options options) {
        Transports.Lease lease = Transports.lease(config);
        Sandbox sandbox = new Sandbox(id, config, lease, options);
        return sandbox.calls
                .endpointAsync(id, EXECD_PORT, config.useServerProxy(), null)
                .thenCompose(endpoint -> {
                    sandbox.endpoints.put(EXECD_PORT, endpoint);
                    return options.skipHealthCheck
                            ? CompletableFuture.completedFuture(null)
                            : Readiness.await(
                                    sandbox, options.readyTimeout, options.pollingInterval, options.healthCheck);
                })
                .handle((ignored, failure) -> {
                    if (failure != null) {
                        lease.close();
                        throw ErrorMapper.fromFailure(failure, "connect to sandbox " + id);
                    }
                    return sandbox;
                });
    }

    /** Settings of how a sandbox object behaves, shared by create, connect and resume. */
    private static final class Options {
        private boolean skipHealthCheck;
        private @Nullable HealthCheck healthCheck;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private Duration pollingInterval = DEFAULT_POLLING_INTERVAL;
        private boolean killOnClose;

        private Options copy() {
            Options copy = new Options();
            copy.skipHealthCheck = skipHealthCheck;
            copy.healthCheck = healthCheck;
            copy.readyTimeout = readyTimeout;
            copy.pollingInterval = pollingInterval;
            copy.killOnClose = killOnClose;
            return copy;
        }
    }

    /** Connects to an existing sandbox. */
    public static final class Connector {
        private final String sandboxId;
        private final Options options = new Options();
        private @Nullable ConnectionConfig config;

        private Connector(String sandboxId) {
            this.sandboxId = sandboxId;
        }

        /**
         * Sets the connection settings (default {@link ConnectionConfig#fromEnvironment()}).
         *
         * @param config the settings
         * @return this connector
         */
        public Connector connectionConfig(ConnectionConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Skips the health check.
         *
         * @param skip whether to skip it
         * @return this connector
         */
        public Connector skipHealthCheck(boolean skip) {
            options.skipHealthCheck = skip;
            return this;
        }

        /**
         * Replaces the default health check (execd ping).
         *
         * @param check the check
         * @return this connector
         */
        public Connector healthCheck(HealthCheck check) {
            options.healthCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Sets the longest wait for readiness (default 30 s).
         *
         * @param timeout the wait
         * @return this connector
         */
        public Connector readyTimeout(Duration timeout) {
            options.readyTimeout = positive(timeout, "readyTimeout");
            return this;
        }

        /**
         * Sets the pause between health checks (default 200 ms).
         *
         * @param interval the pause
         * @return this connector
         */
        public Connector healthCheckPollingInterval(Duration interval) {
            options.pollingInterval = positive(interval, "healthCheckPollingInterval");
            return this;
        }

        /**
         * Kills the sandbox when the returned object is closed (default off).
         *
         * @param killOnClose whether to kill on close
         * @return this connector
         */
        public Connector killOnClose(boolean killOnClose) {
            options.killOnClose = killOnClose;
            return this;
        }

        /**
         * Connects and waits for readiness.
         *
         * @return the connected sandbox
         */
        public Sandbox connect() {
            return Futures.await(connectAsync(), "connect to sandbox " + sandboxId);
        }

        /**
         * Connects asynchronously.
         *
         * @return a future of the connected sandbox
         */
        public CompletableFuture<Sandbox> connectAsync() {
            ConnectionConfig chosen = config != null ? config : ConnectionConfig.fromEnvironment();
            Options chosenOptions = options.copy();
            return Observed.runAsync(
                    chosen, "sandbox.connect", sandboxId, () -> Sandbox.connectAsync(sandboxId, chosen, chosenOptions));
        }
    }

    /** Describes a new sandbox; {@link #create()} creates it. Not thread-safe. */
    public static final class Builder {
        private final Options options = new Options();
        private @Nullable ConnectionConfig config;
        private @Nullable ImageSpec image;
        private @Nullable String snapshotId;
        private @Nullable Duration timeout = DEFAULT_TIMEOUT;
        private @Nullable List<String> entrypoint;
        private Map<String, String> resources = new LinkedHashMap<>(DEFAULT_RESOURCES);
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, String> extensions = new LinkedHashMap<>();
        private @Nullable NetworkPolicy networkPolicy;
        private @Nullable Boolean credentialProxy;
        private boolean secureAccess;
        private @Nullable Platform platform;
        private final List<Volume> volumes = new ArrayList<>();

        private Builder() {}

        /**
         * Sets the connection settings (default {@link ConnectionConfig#fromEnvironment()}).
         *
         * @param config the settings
         * @return this builder
         */
        public Builder connectionConfig(ConnectionConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Starts from a public image.
         *
         * @param image the image reference
         * @return this builder
         */
        public Builder image(String image) {
            return image(ImageSpec.of(image));
        }

        /**
         * Starts from an image, possibly private.
         *
         * @param image the image
         * @return this builder
         */
        public Builder image(ImageSpec image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /**
         * Restores from a snapshot instead of an image.
         *
         * @param snapshotId the snapshot id
         * @return this builder
         */
        public Builder snapshotId(String snapshotId) {
            this.snapshotId = LifecycleCalls.id(snapshotId, "snapshot id");
            return this;
        }

        /**
         * Sets the lifetime (default 10 minutes; at least 60 seconds, whole seconds); {@code null} means the
         * sandbox never expires and must be killed.
         *
         * @param timeout the lifetime, or {@code null}
         * @return this builder
         */
        public Builder timeout(@Nullable Duration timeout) {
            if (timeout != null && timeout.compareTo(Duration.ofSeconds(60)) < 0) {
                throw new InvalidArgumentException(
                        "a sandbox timeout must be at least 60 seconds, not " + timeout, null);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Lets the sandbox live until killed; same as {@code timeout(null)}.
         *
         * @return this builder
         */
        public Builder manualCleanup() {
            return timeout(null);
        }

        /**
         * Sets the entry process (default {@code tail -f /dev/null}).
         *
         * @param command the command and its arguments
         * @return this builder
         */
        public Builder entrypoint(String... command) {
            return entrypoint(List.of(command));
        }

        /**
         * Sets the entry process.
         *
         * @param command the command and its arguments, not empty
         * @return this builder
         */
        public Builder entrypoint(List<String> command) {
            if (command.isEmpty() || command.get(0).isBlank()) {
                throw new InvalidArgumentException("entrypoint must name a command", null);
            }
            this.entrypoint = List.copyOf(command);
            return this;
        }

        /**
         * Replaces the resource limits (default cpu 1, memory 2Gi).
         *
         * @param resources for example {@code cpu=500m, memory=512Mi}
         * @return this builder
         */
        public Builder resources(Map<String, String> resources) {
            Map<String, String> copy = new LinkedHashMap<>();
            resources.forEach((key, value) -> copy.put(nonBlank(key, "resource name"), nonBlank(value, key)));
            this.resources = copy;
            return this;
        }

        /**
         * Sets one resource limit, keeping the others.
         *
         * @param name for example {@code cpu} or {@code memory}
         * @param value for example {@code 2} or {@code 4Gi}
         * @return this builder
         */
        public Builder resource(String name, String value) {
            resources.put(nonBlank(name, "resource name"), nonBlank(value, name));
            return this;
        }

        /**
         * Adds an environment variable of the sandbox.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder env(String name, String value) {
            env.put(nonBlank(name, "environment variable name"), Objects.requireNonNull(value, name));
            return this;
        }

        /**
         * Adds environment variables.
         *
         * @param variables the variables
         * @return this builder
         */
        public Builder env(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        /**
         * Adds a metadata pair; the {@code opensandbox.io/} prefix is reserved.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            LifecycleCalls.checkMetadataKey(key);
            metadata.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Adds metadata pairs.
         *
         * @param pairs the pairs
         * @return this builder
         */
        public Builder metadata(Map<String, String> pairs) {
            pairs.forEach(this::metadata);
            return this;
        }

        /**
         * Sets the egress policy the sandbox starts with.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder networkPolicy(NetworkPolicy policy) {
            this.networkPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Enables the credential proxy (the Credential Vault's injection of secrets into outgoing requests).
         * It needs a {@link #networkPolicy(NetworkPolicy)}: the proxy runs in the egress sidecar.
         *
         * @param enabled whether it is enabled
         * @return this builder
         */
        public Builder credentialProxy(boolean enabled) {
            this.credentialProxy = enabled;
            return this;
        }

        /**
         * Adds a server-specific extension setting (for example {@code access.renew.extend.seconds}).
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder extension(String key, String value) {
            extensions.put(nonBlank(key, "extension key"), Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Requires an access token on every endpoint of the sandbox (delivered in the endpoint headers).
         *
         * @param secureAccess whether to require it
         * @return this builder
         */
        public Builder secureAccess(boolean secureAccess) {
            this.secureAccess = secureAccess;
            return this;
        }

        /**
         * Requires a platform.
         *
         * @param platform the platform
         * @return this builder
         */
        public Builder platform(Platform platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
            return this;
        }

        /**
         * Mounts a volume.
         *
         * @param volume the volume
         * @return this builder
         */
        public Builder volume(Volume volume) {
            Objects.requireNonNull(volume, "volume");
            if (volumes.stream().anyMatch(v -> v.name().equals(volume.name()))) {
                throw new InvalidArgumentException("two volumes are named '" + volume.name() + "'", null);
            }
            volumes.add(volume);
            return this;
        }

        /**
         * Skips the health check after creation.
         *
         * @param skip whether to skip it
         * @return this builder
         */
        public Builder skipHealthCheck(boolean skip) {
            options.skipHealthCheck = skip;
            return this;
        }

        /**
         * Replaces the default health check (execd ping).
         *
         * @param check the check
         * @return this builder
         */
        public Builder healthCheck(HealthCheck check) {
            options.healthCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Sets the longest wait for readiness (default 30 s).
         *
         * @param timeout the wait
         * @return this builder
         */
        public Builder readyTimeout(Duration timeout) {
            options.readyTimeout = positive(timeout, "readyTimeout");
            return this;
        }

        /**
         * Sets the pause between health checks (default 200 ms).
         *
         * @param interval the pause
         * @return this builder
         */
        public Builder healthCheckPollingInterval(Duration interval) {
            options.pollingInterval = positive(interval, "healthCheckPollingInterval");
            return this;
        }

        /**
         * Kills the sandbox when the returned object is closed (default off).
         *
         * @param killOnClose whether to kill on close
         * @return this builder
         */
        public Builder killOnClose(boolean killOnClose) {
            options.killOnClose = killOnClose;
            return this;
        }

        private static String nonBlank(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new InvalidArgumentException(what + " must not be blank", null);
            }
            return value;
        }

        /**
         * Creates the sandbox and waits until it is ready. If anything after the create call fails, the sandbox
         * is killed (best effort) before the error is thrown.
         *
         * @return the ready sandbox
         */
        public Sandbox create() {
            return Futures.await(createAsync(), "create sandbox");
        }

        /**
         * Creates the sandbox asynchronously; see {@link #create()}. Cancelling the future does not stop a create
         * the server already received: the sandbox it makes is killed as soon as it is known.
         *
         * @return a future of the ready sandbox
         */
        public CompletableFuture<Sandbox> createAsync() {
            ConnectionConfig chosen = config != null ? config : ConnectionConfig.fromEnvironment();
            return Observed.runAsync(chosen, "sandbox.create", null, () -> createAsync(chosen));
        }

        private CompletableFuture<Sandbox> createAsync(ConnectionConfig chosen) {
            var request = CreateRequests.of(
                    image,
                    snapshotId,
                    timeout,
                    entrypoint,
                    resources,
                    env,
                    metadata,
                    extensions,
                    networkPolicy,
                    credentialProxy,
                    secureAccess,
                    platform,
                    volumes);
            Options chosenOptions = options.copy();
            Transports.Lease lease = Transports.lease(chosen);
            LifecycleCalls calls = new LifecycleCalls(lease, chosen);
            CompletableFuture<Sandbox> result = new CompletableFuture<>();
            CompletableFuture<?> unused = calls.createAsync(request)
                    .thenCompose(info -> {
                        LOG.info("created sandbox {} on {}", info.id(), chosen.domain());
                        return connectAsync(info.id(), chosen, chosenOptions)
                                .exceptionallyCompose(failure -> killQuietly(calls, info.id())
                                        .<Sandbox>thenApply(ignored -> {
                                            throw ErrorMapper.fromFailure(failure, "create sandbox " + info.id());
                                        }));
                    })
                    .whenComplete((sandbox, failure) -> {
                        if (failure != null) {
                            lease.close();
                            result.completeExceptionally(failure);
                        } else if (!result.complete(sandbox)) {
                            // The caller cancelled (or create() was interrupted) while the server made the
                            // sandbox: nobody holds it, so it must not live on until its timeout.
                            LOG.info("sandbox {} was ready after its create was cancelled; killing it", sandbox.id());
                            CompletableFuture<?> unusedKill = killQuietly(calls, sandbox.id())
                                    .whenComplete((ignored, error) -> {
                                        sandbox.close();
                                        lease.close();
                                    });
                        } else {
                            lease.close();
                        }
                    });
            return result;
        }

        private static CompletableFuture<@Nullable Void> killQuietly(LifecycleCalls calls, String id) {
            return calls.killAsync(id).handle((ignored, failure) -> {
                if (failure != null) {
                    LOG.warn("sandbox {} failed to start and could not be killed: {}", id, failure.getMessage());
                } else {
                    LOG.info("killed sandbox {} because it failed to start", id);
                }
                return null;
            });
        }
    }
}
