package io.opensandbox.api.internal;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the transport for a config and shares it: one SDK-created transport per {@link ConnectionConfig} instance,
 * closed when its last lease is closed. A transport the application passed in is leased without ever being closed.
 */
public final class Transports {
    /** The system property naming the transport provider. */
    public static final String PROPERTY = "opensandbox.transport";

    /** The environment variable naming the transport provider. */
    public static final String ENVIRONMENT = "OPEN_SANDBOX_TRANSPORT";

    /** The artifact to add when no transport is present. */
    public static final String DEFAULT_ARTIFACT = "io.opensandbox:opensandbox-transport-httpclient5";

    /** The {@code User-Agent} of the SDK. */
    public static final String USER_AGENT = "OpenSandbox-Java-SDK/0.1.0";

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
        Optional<Transport> explicit = config.transport();
        if (explicit.isPresent()) {
            return new Lease(explicit.get(), null, config);
        }
        synchronized (SHARED) {
            Shared shared = SHARED.get(config);
            if (shared == null) {
                TransportProvider provider = chooser.get();
                Transport transport = provider.create(
                        new TransportOptions(config.connectTimeout(), config.maxConnections(), USER_AGENT));
                LOG.debug("created transport {} for {}", provider.name(), config.domain());
                shared = new Shared(transport);
                SHARED.put(config, shared);
            }
            shared.leases++;
            return new Lease(shared.transport, shared, config);
        }
    }

    private static void release(Shared shared, ConnectionConfig config) {
        Transport toClose = null;
        synchronized (SHARED) {
            shared.leases--;
            if (shared.leases == 0 && SHARED.get(config) == shared) {
                SHARED.remove(config);
                toClose = shared.transport;
            }
        }
        if (toClose != null) {
            LOG.debug("closing transport {} of {}: no sandbox or manager uses it any more", toClose.name(), config);
            toClose.close();
        }
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
        private int leases;

        private Shared(Transport transport) {
            this.transport = transport;
        }
    }

    /** A use of a transport; closing it releases the transport when it was the last use. Idempotent. */
    public static final class Lease implements AutoCloseable {
        private final Transport transport;
        private final @Nullable Shared shared;
        private final ConnectionConfig config;
        private boolean closed;

        private Lease(Transport transport, @Nullable Shared shared, ConnectionConfig config) {
            this.transport = transport;
            this.shared = shared;
            this.config = config;
        }

        /**
         * The leased transport.
         *
         * @return the transport
         */
        public Transport transport() {
            return transport;
        }

        @Override
        public void close() {
            Shared owner = shared;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            if (owner != null) {
                release(owner, config);
            }
        }
    }
}
