package io.opensandbox.api;

import io.opensandbox.api.internal.Handles;
import io.opensandbox.api.internal.Transports;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link SandboxHandle} built straight from connection settings and endpoints, without the lifecycle server:
 * for a sandbox whose execd address is already known (a local testkit server, a port-forward, a benchmark), or to
 * reach a sandbox's ports with other headers. Capabilities take it like a {@code Sandbox}:
 * {@code Commands.of(DirectHandle.of(config, Endpoint.of("127.0.0.1:44772", Map.of())))}.
 *
 * <p>It shares the transport of its config with every sandbox and manager built from the same config instance.
 * {@link #close()} ends every call made through it that is still waiting or running (they fail with a
 * {@link SandboxClosedException}) and releases its share of the transport. Thread-safe.
 */
public final class DirectHandle implements SandboxHandle, AutoCloseable {
    private final String id;
    private final ConnectionConfig config;
    private final Map<Integer, Endpoint> endpoints;
    private final Transports.Lease lease;

    private DirectHandle(String id, ConnectionConfig config, Map<Integer, Endpoint> endpoints) {
        this.id = id;
        this.config = config;
        this.endpoints = endpoints;
        this.lease = Transports.lease(config);
        Handles.bind(this, lease);
    }

    /**
     * A handle whose every port is reached at one endpoint (the usual case for execd, which serves commands and
     * files on one port), with the id {@code "direct"}.
     *
     * @param config the connection settings
     * @param endpoint the endpoint of every port
     * @return the handle; close it when done
     */
    public static DirectHandle of(ConnectionConfig config, Endpoint endpoint) {
        return of("direct", config, endpoint);
    }

    /**
     * A handle whose every port is reached at one endpoint.
     *
     * @param id the sandbox id, used in messages
     * @param config the connection settings
     * @param endpoint the endpoint of every port
     * @return the handle; close it when done
     */
    public static DirectHandle of(String id, ConnectionConfig config, Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return new DirectHandle(checkId(id), Objects.requireNonNull(config, "config"), Map.of(0, endpoint));
    }

    /**
     * A handle with one endpoint per port.
     *
     * @param id the sandbox id, used in messages
     * @param config the connection settings
     * @param endpoints the endpoint of each port (for example {@link SandboxHandle#EXECD_PORT})
     * @return the handle; close it when done
     * @throws InvalidArgumentException if there is no endpoint or a port is out of range
     */
    public static DirectHandle of(String id, ConnectionConfig config, Map<Integer, Endpoint> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new InvalidArgumentException("a handle needs at least one endpoint", null);
        }
        endpoints.forEach((port, endpoint) -> {
            Objects.requireNonNull(endpoint, "endpoint");
            if (port < 1 || port > 65535) {
                throw new InvalidArgumentException("port must be from 1 to 65535, was " + port, null);
            }
        });
        return new DirectHandle(checkId(id), Objects.requireNonNull(config, "config"), Map.copyOf(endpoints));
    }

    private static String checkId(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new InvalidArgumentException("id must not be blank", null);
        }
        return id;
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
     * The endpoint of a port.
     *
     * @param port the port inside the sandbox
     * @return the endpoint
     * @throws InvalidArgumentException if this handle has no endpoint for the port
     * @throws SandboxClosedException if the handle was closed
     */
    @Override
    public Endpoint endpoint(int port) {
        if (lease.isClosed()) {
            throw new SandboxClosedException("the handle of " + id + " was closed", null);
        }
        Endpoint only = endpoints.get(0);
        if (only != null) {
            return only;
        }
        Endpoint endpoint = endpoints.get(port);
        if (endpoint == null) {
            throw new InvalidArgumentException(
                    "the handle of " + id + " has no endpoint for port " + port + "; it has " + endpoints.keySet(),
                    null);
        }
        return endpoint;
    }

    /** Ends every call still under way through this handle and releases its share of the transport. Idempotent. */
    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return "DirectHandle{" + id + "}";
    }
}
