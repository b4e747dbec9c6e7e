package io.opensandbox.network;

import io.opensandbox.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which outbound requests a binding applies to. Hosts are required; schemes, ports, methods and paths are optional
 * and, when not set, are left out of the request so the sidecar applies its defaults ({@link #DEFAULT_SCHEMES},
 * {@link #DEFAULT_PORTS}, {@link #DEFAULT_METHODS}, {@link #DEFAULT_PATHS}). Immutable.
 */
public final class CredentialMatch {
    /** The sidecar's default schemes: {@code ["https"]}. */
    public static final List<String> DEFAULT_SCHEMES = List.of("https");
    /** The sidecar's default ports: {@code [443]}. */
    public static final List<Integer> DEFAULT_PORTS = List.of(443);
    /** The sidecar's default methods: {@code [GET, POST, PUT, PATCH, DELETE]}. */
    public static final List<String> DEFAULT_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** The sidecar's default paths: {@code ["/*"]}. */
    public static final List<String> DEFAULT_PATHS = List.of("/*");

    private final List<String> hosts;
    private final @Nullable List<String> schemes;
    private final @Nullable List<Integer> ports;
    private final @Nullable List<String> methods;
    private final @Nullable List<String> paths;

    private CredentialMatch(
            List<String> hosts,
            @Nullable List<String> schemes,
            @Nullable List<Integer> ports,
            @Nullable List<String> methods,
            @Nullable List<String> paths) {
        this.hosts = hosts;
        this.schemes = schemes;
        this.ports = ports;
        this.methods = methods;
        this.paths = paths;
    }

    /**
     * A match on hosts only, everything else at the sidecar's defaults.
     *
     * @param hosts the hosts, for example {@code api.github.com} or {@code *.example.com}; at least one
     * @return the match
     */
    public static CredentialMatch forHosts(String... hosts) {
        return builder().hosts(Arrays.asList(hosts)).build();
    }

    /**
     * Starts a match.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** What the sidecar reported, taken as it is. */
    static CredentialMatch fromServer(
            @Nullable List<String> hosts,
            @Nullable List<String> schemes,
            @Nullable List<Integer> ports,
            @Nullable List<String> methods,
            @Nullable List<String> paths) {
        return new CredentialMatch(
                hosts == null ? List.of() : List.copyOf(hosts), copy(schemes), copy(ports), copy(methods), copy(paths));
    }

    private static <T> @Nullable List<T> copy(@Nullable List<T> values) {
        return values == null ? null : List.copyOf(values);
    }

    /**
     * The hosts.
     *
     * @return the hosts
     */
    public List<String> hosts() {
        return hosts;
    }

    /**
     * The schemes, when set.
     *
     * @return the schemes, or empty when the sidecar's default applies
     */
    public Optional<List<String>> schemes() {
        return Optional.ofNullable(schemes);
    }

    /**
     * The ports, when set.
     *
     * @return the ports, or empty when the sidecar's default applies
     */
    public Optional<List<Integer>> ports() {
        return Optional.ofNullable(ports);
    }

    /**
     * The methods, when set.
     *
     * @return the methods, or empty when the sidecar's default applies
     */
    public Optional<List<String>> methods() {
        return Optional.ofNullable(methods);
    }

    /**
     * The paths, when set.
     *
     * @return the paths, or empty when the sidecar's default applies
     */
    public Optional<List<String>> paths() {
        return Optional.ofNullable(paths);
    }

    /**
     * The schemes in effect: the ones set, else {@link #DEFAULT_SCHEMES}.
     *
     * @return the schemes
     */
    public List<String> effectiveSchemes() {
        return schemes != null ? schemes : DEFAULT_SCHEMES;
    }

    /**
     * The ports in effect: the ones set, else {@link #DEFAULT_PORTS}.
     *
     * @return the ports
     */
    public List<Integer> effectivePorts() {
        return ports != null ? ports : DEFAULT_PORTS;
    }

    /**
     * The methods in effect: the ones set, else {@link #DEFAULT_METHODS}.
     *
     * @return the methods
     */
    public List<String> effectiveMethods() {
        return methods != null ? methods : DEFAULT_METHODS;
    }

    /**
     * The paths in effect: the ones set, else {@link #DEFAULT_PATHS}.
     *
     * @return the paths
     */
    public List<String> effectivePaths() {
        return paths != null ? paths : DEFAULT_PATHS;
    }

    /**
     * Equal when every part is equal, an unset part differing from one set to the default.
     *
     * @param other the other object
     * @return whether equal
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialMatch that
                && hosts.equals(that.hosts)
                && Objects.equals(schemes, that.schemes)
                && Objects.equals(ports, that.ports)
                && Objects.equals(methods, that.methods)
                && Objects.equals(paths, that.paths);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hosts, schemes, ports, methods, paths);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("CredentialMatch{hosts=").append(hosts);
        if (schemes != null) {
            out.append(", schemes=").append(schemes);
        }
        if (ports != null) {
            out.append(", ports=").append(ports);
        }
        if (methods != null) {
            out.append(", methods=").append(methods);
        }
        if (paths != null) {
            out.append(", paths=").append(paths);
        }
        return out.append('}').toString();
    }

    /** Builds a {@link CredentialMatch}; not thread-safe. */
    public static final class Builder {
        private final List<String> hosts = new ArrayList<>();
        private @Nullable List<String> schemes;
        private @Nullable List<Integer> ports;
        private @Nullable List<String> methods;
        private @Nullable List<String> paths;

        private Builder() {}

        /**
         * Adds hosts.
         *
         * @param hosts host names or wildcard domains
         * @return this builder
         */
        public Builder hosts(List<String> hosts) {
            for (String host : hosts) {
                Objects.requireNonNull(host, "host");
                if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ')) {
                    throw new InvalidArgumentException(
                            "match host must be a non-blank host name: '" + host + "'", null);
                }
                this.hosts.add(host);
            }
            return this;
        }

        /**
         * Adds hosts.
         *
         * @param hosts host names or wildcard domains
         * @return this builder
         */
        public Builder hosts(String... hosts) {
            return hosts(Arrays.asList(hosts));
        }

        /**
         * Sets the schemes ({@code https}, {@code http}); unset means {@link #DEFAULT_SCHEMES}.
         *
         * @param schemes the schemes, at least one
         * @return this builder
         */
        public Builder schemes(String... schemes) {
            List<String> values = Checks.nonEmpty("match schemes", Arrays.asList(schemes));
            List<String> lower = new ArrayList<>();
            for (String scheme : values) {
                String value = scheme.strip().toLowerCase(Locale.ROOT);
                if (!value.equals("https") && !value.equals("http")) {
                    throw new InvalidArgumentException(
                            "match scheme must be 'https' or 'http', not '" + scheme + "'", null);
                }
                lower.add(value);
            }
            this.schemes = List.copyOf(lower);
            return this;
        }

        /**
         * Sets the ports; unset means {@link #DEFAULT_PORTS}.
         *
         * @param ports the ports, 1 to 65535, at least one
         * @return this builder
         */
        public Builder ports(int... ports) {
            List<Integer> values = new ArrayList<>();
            for (int port : ports) {
                if (port < 1 || port > 65535) {
                    throw new InvalidArgumentException("match port must be 1 to 65535, not " + port, null);
                }
                values.add(port);
            }
            this.ports = Checks.nonEmpty("match ports", values);
            return this;
        }

        /**
         * Sets the HTTP methods; unset means {@link #DEFAULT_METHODS}. Names are upper-cased.
         *
         * @param methods the methods, at least one
         * @return this builder
         */
        public Builder methods(String... methods) {
            List<String> values = new ArrayList<>();
            for (String method : Checks.nonEmpty("match methods", Arrays.asList(methods))) {
                if (!Checks.HEADER_NAME.matcher(method).matches()) {
                    throw new InvalidArgumentException("match method '" + method + "' is not an HTTP method", null);
                }
                values.add(method.toUpperCase(Locale.ROOT));
            }
            this.methods = List.copyOf(values);
            return this;
        }

        /**
         * Sets the path patterns, for example {@code /repos/*}; unset means {@link #DEFAULT_PATHS}.
         *
         * @param paths the paths, at least one
         * @return this builder
         */
        public Builder paths(String... paths) {
            List<String> values = Checks.nonEmpty("match paths", Arrays.asList(paths));
            for (String path : values) {
                if (path.isBlank()) {
                    throw new InvalidArgumentException("match path must not be blank", null);
                }
            }
            this.paths = values;
            return this;
        }

        /**
         * Builds the match.
         *
         * @return the match
         * @throws InvalidArgumentException if no host was given
         */
        public CredentialMatch build() {
            if (hosts.isEmpty()) {
                throw new InvalidArgumentException("a credential match needs at least one host", null);
            }
            return new CredentialMatch(List.copyOf(hosts), schemes, ports, methods, paths);
        }
    }
}
