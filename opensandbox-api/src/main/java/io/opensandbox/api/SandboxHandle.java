package io.opensandbox.api;

import io.opensandbox.api.spi.Transport;

/**
 * What a capability needs to reach a sandbox: its id, its connection settings, the transport, and the endpoint
 * of each port. {@code Sandbox} implements it; capabilities take it ({@code Commands.of(sandbox)}), so they work
 * with any sandbox without knowing the lifecycle module.
 */
public interface SandboxHandle {

    /** The port execd listens on inside every sandbox. */
    int EXECD_PORT = 44772;

    /** The port the egress sidecar listens on inside every sandbox. */
    int EGRESS_PORT = 18080;

    /**
     * The sandbox id.
     *
     * @return the id
     */
    String id();

    /**
     * The connection settings (protocol, timeouts, custom headers) used for every call.
     *
     * @return the config
     */
    ConnectionConfig connectionConfig();

    /**
     * The transport every call to this sandbox goes through.
     *
     * @return the transport
     */
    Transport transport();

    /**
     * The endpoint of a port of the sandbox, resolved through the lifecycle server once and then reused.
     *
     * @param port the port inside the sandbox, 1 to 65535
     * @return the endpoint
     * @throws SandboxException if it cannot be resolved
     */
    Endpoint endpoint(int port);
}
