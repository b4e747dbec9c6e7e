/**
 * The network side of a sandbox: its runtime egress policy and its Credential Vault, both served by the egress
 * sidecar. Reached from any {@link io.opensandbox.api.SandboxHandle}.
 */
module io.opensandbox.network {
    requires transitive io.opensandbox.api;

    exports io.opensandbox.network;
}
