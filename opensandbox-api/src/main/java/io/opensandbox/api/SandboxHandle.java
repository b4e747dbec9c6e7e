package io.opensandbox.api;

/**
 * What a capability needs to reach a sandbox: its id, its connection settings and the endpoint of each port.
 * Capabilities take it ({@code Commands.of(sandbox)}), so they work with any sandbox without knowing the lifecycle
 * module.
 *
 * <p>Handles come from the SDK: a {@code Sandbox} is one, and {@link DirectHandle} builds one from a
 * {@link ConnectionConfig} and endpoints. Each stands for a share of the config's transport that the SDK tracks;
 * a capability given a handle of another kind refuses it with an {@link InvalidArgumentException}.
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
     * The endpoint of a port of the sandbox, resolved through the lifecycle server once and then reused.
     *
     * @param port the port inside the sandbox, 1 to 65535
     * @return the endpoint
     * @throws SandboxException if it cannot be resolved
     */
    Endpoint endpoint(int port);
}
