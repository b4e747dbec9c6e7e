package io.opensandbox.testkit;

import io.opensandbox.api.ConnectionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that starts one {@link LocalSandboxServer} per test class and injects a ready
 * {@link ConnectionConfig} (or the server itself) into test constructors, test methods and lifecycle methods.
 *
 * <pre>{@code
 * @ExtendWith(LocalSandboxExtension.class)
 * class MyAgentTest {
 *     @Test
 *     void runsCode(ConnectionConfig config) {
 *         try (Sandbox sandbox = Sandbox.builder().image("python:3.12").connectionConfig(config).create()) {
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>To configure the server, register an instance instead: {@code @RegisterExtension static
 * LocalSandboxExtension sandboxes = LocalSandboxExtension.withApiKey("test-key").allowedHostPaths("/tmp");}. The server is closed after the
 * last test of the class, killing every sandbox it still runs. Needs {@code opensandbox-api} and
 * {@code junit-jupiter-api} on the test class path (both are optional dependencies of the testkit).
 */
public final class LocalSandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalSandboxExtension.class);

    private final @Nullable String apiKey;
    private final Duration gracePeriod;
    private final List<String> allowedHostPaths;

    /**
     * An extension whose server needs no API key, keeps execd's one-second grace period and refuses every host
     * volume.
     */
    public LocalSandboxExtension() {
        this(null, Duration.ofSeconds(1), List.of());
    }

    private LocalSandboxExtension(@Nullable String apiKey, Duration gracePeriod, List<String> allowedHostPaths) {
        this.apiKey = apiKey;
        this.gracePeriod = gracePeriod;
        this.allowedHostPaths = List.copyOf(allowedHostPaths);
    }

    /**
     * An extension whose server requires this API key; the injected config carries it.
     *
     * @param apiKey the key
     * @return the extension
     */
    public static LocalSandboxExtension withApiKey(String apiKey) {
        return new LocalSandboxExtension(Objects.requireNonNull(apiKey, "apiKey"), Duration.ofSeconds(1), List.of());
    }

    /**
     * The same extension with another stream grace period (how long execd keeps a command's stream open after its
     * last event).
     *
     * @param gracePeriod the grace period
     * @return the extension
     */
    public LocalSandboxExtension gracePeriod(Duration gracePeriod) {
        return new LocalSandboxExtension(apiKey, Objects.requireNonNull(gracePeriod, "gracePeriod"), allowedHostPaths);
    }

    /**
     * The same extension whose server accepts {@code host} volumes under these prefixes (see
     * {@link LocalSandboxServer.Builder#allowedHostPaths(List)}); by default every host volume is refused.
     *
     * @param prefixes absolute path prefixes
     * @return the extension
     */
    public LocalSandboxExtension allowedHostPaths(String... prefixes) {
        // validated now, so a relative prefix fails where it is written rather than at the first test
        LocalSandboxServer.builder().allowedHostPaths(prefixes);
        return new LocalSandboxExtension(apiKey, gracePeriod, List.of(prefixes));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalSandboxServer server =
                context.getStore(NAMESPACE).remove(LocalSandboxServer.class, LocalSandboxServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ConnectionConfig.class || type == LocalSandboxServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LocalSandboxServer server = server(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == LocalSandboxServer.class) {
            return server;
        }
        if (type == ConnectionConfig.class) {
            return config(server);
        }
        throw new ParameterResolutionException("cannot inject " + type);
    }

    /**
     * A connection config for a server: its domain, its API key if it has one, plain HTTP.
     *
     * @param server the server
     * @return the config
     */
    public static ConnectionConfig config(LocalSandboxServer server) {
        ConnectionConfig.Builder builder =
                ConnectionConfig.builder().domain(server.domain()).protocol("http");
        String key = server.apiKey();
        builder.apiKey(key == null ? "" : key);
        return builder.build();
    }

    private LocalSandboxServer server(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent()
                && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        LocalSandboxServer.class,
                        ignored -> LocalSandboxServer.builder()
                                .apiKey(apiKey)
                                .gracePeriod(gracePeriod)
                                .allowedHostPaths(allowedHostPaths)
                                .start(),
                        LocalSandboxServer.class);
    }
}
