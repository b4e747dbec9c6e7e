package io.opensandbox.api.internal;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.internal.stream.Workers;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the transport for a config and shares it: one transport and one set of {@link Workers} per
 * {@link ConnectionConfig} instance, both closed when its last lease is closed. A transport the application passed
 * in is shared the same way but never closed.
 */
public final class Transports {
    /** The system property naming the transport provider. */
    public static final String PROPERTY = "opensandbox.transport";

    /** The environment variable naming the transport provider. */
    public static final String ENVIRONMENT = "OPEN_SANDBOX_TRANSPORT";

    /** The artifact to add when no transport is present. */
    public static final String DEFAULT_ARTIFACT = "io.opensandbox:opensandbox-transport-httpclient5";

    /** The SDK's version, from the build ({@code sdk.properties}, filled in by resource filtering). */
    public static final String VERSION = version();

    /** The {@code User-Agent} of the SDK. */
    public static final String USER_AGENT = "OpenSandbox-Java-SDK/" + VERSION;

    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);
    private static final IdentityHashMap<ConnectionConfig, Shared> SHARED = new IdentityHashMap<>();

    private Transports() {}

    /**
     * Leases the transport of a config, creating it on first use.
     *
     * @param config the config
     * @return a lease; close it when done
     */
    public static Lease lease(ConnectionConfig config) {
        return lease(config, () -> select(config, load(), Transports::setting));
    }

    static Lease lease(ConnectionConfig config, Supplier<TransportProvider> chooser) {
        synchronized (SHARED) {
            Shared shared = SHARED.get(config);
            if (shared == null) {
                Optional<Transport> explicit = config.transport();
                Transport transport;
                if (explicit.isPresent()) {
                    transport = explicit.get();
                } else {
                    TransportProvider provider = chooser.get();
                    transport = provider.create(
                            new TransportOptions(config.connectTimeout(), config.maxConnections(), USER_AGENT));
                    LOG.debug("created transport {} for {}", provider.name(), config.domain());
                }
                shared = new Shared(transport, explicit.isEmpty(), new Workers(config.maxConnections()));
                SHARED.put(config, shared);
            }
            shared.leases++;
            return new Lease(shared, config);
        }
    }

    private static void release(Shared shared, ConnectionConfig config) {
        boolean last = false;
        synchronized (SHARED) {
            shared.leases--;
            if (shared.leases == 0 && SHARED.get(config) == shared) {
                SHARED.remove(config);
                last = true;
            }
        }
        if (last) {
            shared.workers.close();
            if (shared.owned) {
                LOG.debug(
                        "closing transport {} of {}: no sandbox or manager uses it any more",
                        shared.transport.name(),
                        config);
                shared.transport.close();
            }
        }
    }

    private static String version() {
        Properties properties = new Properties();
        try (InputStream in = Transports.class.getResourceAsStream("sdk.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            LOG.debug("cannot read sdk.properties", e);
        }
        String version = properties.getProperty("version", "");
        // unfiltered (an IDE build that skipped the resources phase): say so rather than claim a version
        return version.isBlank() || version.startsWith("${") ? "unknown" : version.strip();
    }

    private static List<TransportProvider> load() {
        List<TransportProvider> providers = new ArrayList<>();
        ServiceLoader.load(TransportProvider.class, Transports.class.getClassLoader())
                .forEach(providers::add);
        return providers;
    }

    private static @Nullable String setting(String name) {
        return name.equals(PROPERTY) ? System.getProperty(PROPERTY) : System.getenv(name);
    }

    /**
     * Chooses a provider: configured name, else system property, else environment variable, else the only one,
     * else the unique highest priority.
     *
     * @param config the config, whose transport name wins
     * @param providers the providers found
     * @param settings looks up the system property {@link #PROPERTY} and the environment variable
     *     {@link #ENVIRONMENT}
     * @return the chosen provider
     * @throws SandboxException with code {@link SandboxError#NO_TRANSPORT} when none can be chosen
     */
    public static TransportProvider select(
            ConnectionConfig config, List<TransportProvider> providers, UnaryOperator<@Nullable String> settings) {
        if (providers.isEmpty()) {
            throw noTransport("No OpenSandbox transport was found on the class path or module path. Add the"
                    + " dependency " + DEFAULT_ARTIFACT + " (or another transport), or pass one with"
                    + " ConnectionConfig.builder().transport(...).");
        }
        String wanted = config.transportName().orElse(null);
        String source = "ConnectionConfig.transportName";
        if (wanted == null) {
            wanted = settings.apply(PROPERTY);
            source = "system property " + PROPERTY;
        }
        if (wanted == null || wanted.isBlank()) {
            wanted = settings.apply(ENVIRONMENT);
            source = "environment variable " + ENVIRONMENT;
        }
        if (wanted != null && !wanted.isBlank()) {
            String name = wanted.strip().toLowerCase(Locale.ROOT);
            for (TransportProvider provider : providers) {
                if (provider.name().equalsIgnoreCase(name)) {
                    return provider;
                }
            }
            throw noTransport("The transport '" + name + "' named by " + source + " is not present; found: "
                    + describe(providers) + ".");
        }
        if (providers.size() == 1) {
            return providers.get(0);
        }
        List<TransportProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(TransportProvider::priority).reversed());
        if (sorted.get(0).priority() > sorted.get(1).priority()) {
            return sorted.get(0);
        }
        throw noTransport("Several OpenSandbox transports have the same priority: " + describe(providers)
                + ". Choose one with ConnectionConfig.builder().transportName(...), the system property "
                + PROPERTY + " or the environment variable " + ENVIRONMENT + ".");
    }

    private static String describe(List<TransportProvider> providers) {
        return providers.stream()
                .map(p -> p.name() + " (priority " + p.priority() + ")")
                .collect(Collectors.joining(", "));
    }

    private static SandboxException noTransport(String message) {
        return new SandboxException(SandboxError.NO_TRANSPORT, message);
    }

    private static final class Shared {
        private final Transport transport;
        private final boolean owned;
        private final Workers workers;
        private int leases;

        private Shared(Transport transport, boolean owned, Workers workers) {
            this.transport = transport;
            this.owned = owned;
            this.workers = workers;
        }
    }

    /**
     * A use of a transport by one owner (a sandbox, a manager, a handle): the transport, the threads every call
     * through it runs on ({@link #workers()}), and the calls the owner has under way. Closing the lease first fails
     * each of those calls with a {@link SandboxClosedException} (so no caller stays blocked), then releases the
     * transport and its threads when it was their last use. Idempotent.
     */
    public static final class Lease implements AutoCloseable {
        private final Shared shared;
        private final ConnectionConfig config;
        private final Set<Owned> owned = new LinkedHashSet<>();
        private boolean closed;

        private Lease(Shared shared, ConnectionConfig config) {
            this.shared = shared;
            this.config = config;
        }

        /**
         * The leased transport.
         *
         * @return the transport
         */
        public Transport transport() {
            return shared.transport;
        }

        /**
         * The threads shared by every lease of this transport.
         *
         * @return the workers
         */
        public Workers workers() {
            return shared.workers;
        }

        /**
         * Whether the lease was closed.
         *
         * @return whether it was closed
         */
        public synchronized boolean isClosed() {
            return closed;
        }

        /**
         * Registers what ends a call when the lease is closed (complete its future, fail its stream, abort its
         * transfer). Runs the action at once when the lease is already closed.
         *
         * @param what the call, for the message ({@code GET /files/download})
         * @param abort called once, on the closing thread, with the exception to end the call with; must not block
         * @return the registration; {@linkplain Owned#close() close} it when the call is over
         */
        public Owned onClose(String what, Consumer<SandboxClosedException> abort) {
            Owned registration = new Owned(what, abort);
            boolean now;
            synchronized (this) {
                now = closed;
                if (!now) {
                    owned.add(registration);
                }
            }
            if (now) {
                registration.abort();
            }
            return registration;
        }

        /**
         * Ends a future with a {@link SandboxClosedException} if the lease is closed before it completes.
         *
         * @param <T> the value type
         * @param what the call, for the message
         * @param call the future of the call
         * @return the same future
         */
        public <T> CompletableFuture<T> own(String what, CompletableFuture<T> call) {
            Owned registration = onClose(what, call::completeExceptionally);
            CompletableFuture<T> unused = call.whenComplete((value, failure) -> registration.close());
            return call;
        }

        @Override
        public void close() {
            List<Owned> toAbort;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                toAbort = new ArrayList<>(owned);
                owned.clear();
            }
            for (Owned call : toAbort) {
                call.abort();
            }
            release(shared, config);
        }

        /** One call registered with {@link #onClose}; closing it unregisters it. Idempotent. */
        public final class Owned implements AutoCloseable {
            private final String what;
            private final Consumer<SandboxClosedException> abort;

            private Owned(String what, Consumer<SandboxClosedException> abort) {
                this.what = what;
                this.abort = abort;
            }

            private void abort() {
                try {
                    abort.accept(new SandboxClosedException(
                            what + " was ended because its sandbox, manager or handle was closed", null));
                } catch (RuntimeException e) {
                    LOG.debug("ending {} on close failed", what, e);
                }
            }

            @Override
            public void close() {
                synchronized (Lease.this) {
                    owned.remove(this);
                }
            }
        }
    }
}
