package io.opensandbox.testkit;

import io.opensandbox.testkit.internal.ServerConfig;
import io.opensandbox.testkit.internal.ServerCore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A local OpenSandbox deployment in one object: lifecycle API, execd and egress sidecar, listening on
 * {@code 127.0.0.1} only.
 *
 * <p>Lifecycle calls go to {@code http://domain()/v1/...} (also served without {@code /v1}). The endpoint of a
 * sandbox port carries a path ({@code 127.0.0.1:PORT/sandboxes/ID/port/44772}); clients must append the API paths to
 * it by string concatenation. Close the server to stop every process it started and remove its temporary data.
 *
 * <pre>{@code
 * try (LocalSandboxServer server = LocalSandboxServer.start()) {
 *     String base = "http://" + server.domain() + "/v1";
 *     // point an SDK at server.domain()
 * }
 * }</pre>
 */
public final class LocalSandboxServer implements AutoCloseable {

    /** How commands of a sandbox are isolated from the host. */
    public enum Isolation {
        /**
         * Default, as root or not. The commands of a sandbox run in its own user, mount and PID namespaces
         * ({@code unshare}, {@code nsenter}), with the sandbox root as their root ({@code pivot_root}), the host's
         * {@code /usr}, {@code /etc}, {@code /opt} and library folders bind-mounted read-only (locked by the kernel: a
         * command cannot remount them, or a read-only volume, read-write), a minimal {@code /dev} and a read-only
         * {@code /proc} that shows only the sandbox's processes. The files API sees exactly the same tree. Requires
         * {@code unshare}, {@code nsenter} and {@code pivot_root} with user namespaces (root, or unprivileged user
         * namespaces); the server refuses to start otherwise. Commands may switch to any {@code uid}/{@code gid} only
         * when the server runs as root.
         */
        NAMESPACES,
        /**
         * No isolation at all, for machines without namespaces. Commands run directly on the host with their working
         * directory mapped into the sandbox root ({@code cwd /tmp} runs in {@code <root>/tmp}), but absolute paths in
         * commands are HOST paths: {@code cat /tmp/x} in a command and {@code /tmp/x} in the files API are different
         * files, and a command can write anywhere the server's user can. Network deny policies are not enforced. Use
         * only when you know what you are doing.
         */
        UNISOLATED
    }

    private final ServerCore core;

    private LocalSandboxServer(ServerCore core) {
        this.core = core;
    }

    /**
     * Starts a server with default settings on a random free port, without an API key.
     *
     * @return the running server
     * @throws IllegalStateException if namespaces are unavailable (see {@link Isolation#NAMESPACES})
     * @throws UncheckedIOException if the port cannot be bound or the data directory cannot be created
     */
    public static LocalSandboxServer start() {
        return builder().start();
    }

    /**
     * Returns a builder for a server with custom settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The TCP port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return core.port();
    }

    /**
     * The domain to give SDKs, {@code 127.0.0.1:PORT} (no scheme, no path).
     *
     * @return the domain
     */
    public String domain() {
        return "127.0.0.1:" + core.port();
    }

    /**
     * The API key every lifecycle request must carry in {@code OPEN-SANDBOX-API-KEY}, or {@code null} when the server
     * does not check keys.
     *
     * @return the key or {@code null}
     */
    public @Nullable String apiKey() {
        return core.config().apiKey();
    }

    /**
     * The folder holding the server's data (sandbox roots, snapshots, volumes).
     *
     * @return the data root
     */
    public Path rootDirectory() {
        return core.config().rootDirectory();
    }

    /**
     * The host path prefixes that {@code host} volumes may use (empty: none may).
     *
     * @return the prefixes
     */
    public List<String> allowedHostPaths() {
        return core.config().allowedHostPaths();
    }

    /**
     * The isolation in force.
     *
     * @return the isolation mode
     */
    public Isolation isolation() {
        return core.config().unisolated() ? Isolation.UNISOLATED : Isolation.NAMESPACES;
    }

    /**
     * How many requests to execd or egress carried the lifecycle header {@code OPEN-SANDBOX-API-KEY}. SDKs must never
     * send the lifecycle key there; a test can assert that this stays zero.
     *
     * @return the number of such requests since start
     */
    public long leakedApiKeyRequests() {
        return core.leakedApiKeyRequests();
    }

    /**
     * Stops the server: kills every sandbox process, closes the listener and removes temporary data (a root directory
     * given to the builder is kept, only its content created by this server is removed).
     */
    @Override
    public void close() {
        core.close();
    }

    /** The running core, for the testkit's own benchmarks (package-private, not API). */
    ServerCore core() {
        return core;
    }

    /** Builder of a {@link LocalSandboxServer}; obtain one with {@link LocalSandboxServer#builder()}. */
    public static final class Builder {
        private int port;
        private @Nullable String apiKey;
        private Duration gracePeriod = Duration.ofSeconds(1);
        private Duration pingInterval = Duration.ofSeconds(3);
        private @Nullable Path rootDirectory;
        private Isolation isolation = Isolation.NAMESPACES;
        private Duration minimumTimeout = Duration.ofSeconds(60);
        private Duration reaperInterval = Duration.ofSeconds(1);
        private List<String> allowedHostPaths = List.of();
        private Duration ptyPingInterval = Duration.ofSeconds(30);
        private Duration ptyReadTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /**
         * The host path prefixes that {@code host} volumes may use, as the lifecycle server's
         * {@code storage.allowed_host_paths}. A host volume is accepted when its path equals a prefix or lies below it
         * ({@code /data} allows {@code /data} and {@code /data/x}, not {@code /database}). Default none: every host
         * volume is refused with {@code 400 VOLUME::HOST_PATH_NOT_ALLOWED}, like the real server's default.
         *
         * @param prefixes absolute paths; blank entries are ignored
         * @return this builder
         * @throws IllegalArgumentException if a prefix is not absolute
         */
        public Builder allowedHostPaths(List<String> prefixes) {
            List<String> out = new ArrayList<>();
            for (String raw : Objects.requireNonNull(prefixes, "prefixes")) {
                String p = Objects.requireNonNull(raw, "prefix").trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (!p.startsWith("/") && !p.matches("^[A-Za-z]:[\\\\/].*")) {
                    throw new IllegalArgumentException("an allowed host path must be absolute, was " + p);
                }
                out.add(p);
            }
            this.allowedHostPaths = List.copyOf(out);
            return this;
        }

        /**
         * Same as {@link #allowedHostPaths(List)}.
         *
         * @param prefixes absolute paths
         * @return this builder
         */
        public Builder allowedHostPaths(String... prefixes) {
            return allowedHostPaths(List.of(prefixes));
        }

        /**
         * The port to bind on {@code 127.0.0.1}; {@code 0} (default) picks a free one.
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Requires this key in header {@code OPEN-SANDBOX-API-KEY} on every lifecycle request; {@code null} (default)
         * disables the check.
         *
         * @param apiKey the key, or {@code null}
         * @return this builder
         */
        public Builder apiKey(@Nullable String apiKey) {
            this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
            return this;
        }

        /**
         * How long a command stream stays open after its terminal event (execd's {@code EXECD_API_GRACE_SHUTDOWN},
         * default 1 s).
         *
         * @param gracePeriod zero or positive
         * @return this builder
         */
        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = nonNegative(gracePeriod, "gracePeriod");
            return this;
        }

        /**
         * Interval of {@code ping} events in command streams (default 3 s).
         *
         * @param pingInterval positive
         * @return this builder
         */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = positive(pingInterval, "pingInterval");
            return this;
        }

        /**
         * Interval of the WebSocket pings on a PTY session's connection ({@code /pty/{id}/ws}); default 30 s, as in
         * execd.
         *
         * @param ptyPingInterval positive
         * @return this builder
         */
        public Builder ptyPingInterval(Duration ptyPingInterval) {
            this.ptyPingInterval = positive(ptyPingInterval, "ptyPingInterval");
            return this;
        }

        /**
         * How long a PTY session's WebSocket may stay silent (no frame, no pong) before the server drops it; default
         * 60 s, as in execd.
         *
         * @param ptyReadTimeout positive
         * @return this builder
         */
        public Builder ptyReadTimeout(Duration ptyReadTimeout) {
            this.ptyReadTimeout = positive(ptyReadTimeout, "ptyReadTimeout");
            return this;
        }

        /**
         * Folder for sandbox data; default a fresh temporary folder removed on close.
         *
         * @param rootDirectory an existing or creatable folder
         * @return this builder
         */
        public Builder rootDirectory(Path rootDirectory) {
            this.rootDirectory = Objects.requireNonNull(rootDirectory, "rootDirectory");
            return this;
        }

        /**
         * The isolation of commands (default {@link Isolation#NAMESPACES}).
         *
         * @param isolation the mode
         * @return this builder
         */
        public Builder isolation(Isolation isolation) {
            this.isolation = Objects.requireNonNull(isolation, "isolation");
            return this;
        }

        /**
         * Test knob: the smallest sandbox {@code timeout} accepted at create (the spec's minimum is 60 s, the
         * default). Lower it to test expiry quickly.
         *
         * @param minimumTimeout at least one second
         * @return this builder
         */
        public Builder minimumTimeout(Duration minimumTimeout) {
            if (positive(minimumTimeout, "minimumTimeout").toSeconds() < 1) {
                throw new IllegalArgumentException("minimumTimeout must be at least one second");
            }
            this.minimumTimeout = minimumTimeout;
            return this;
        }

        /**
         * Test knob: how often expired sandboxes are reaped (default 1 s).
         *
         * @param reaperInterval positive
         * @return this builder
         */
        public Builder reaperInterval(Duration reaperInterval) {
            this.reaperInterval = positive(reaperInterval, "reaperInterval");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         * @throws IllegalStateException if the isolation mode cannot work on this machine
         * @throws UncheckedIOException if the port cannot be bound or the data folder cannot be created
         */
        public LocalSandboxServer start() {
            ServerConfig config = new ServerConfig(
                    port,
                    apiKey,
                    gracePeriod,
                    pingInterval,
                    rootDirectory == null ? createTempRoot() : rootDirectory,
                    rootDirectory == null,
                    isolation == Isolation.UNISOLATED,
                    minimumTimeout,
                    reaperInterval,
                    allowedHostPaths,
                    ptyPingInterval,
                    ptyReadTimeout);
            try {
                return new LocalSandboxServer(ServerCore.start(config));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the local sandbox server: " + e.getMessage(), e);
            }
        }

        private static Path createTempRoot() {
            try {
                return java.nio.file.Files.createTempDirectory("opensandbox-testkit-");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create a temporary data folder", e);
            }
        }

        private static Duration nonNegative(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return d;
        }

        private static Duration positive(Duration d, String name) {
            if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
