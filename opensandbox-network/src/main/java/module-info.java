/**
 * The network side of a sandbox: its runtime egress policy ({@link io.opensandbox.network.Egress}) and its
 * Credential Vault ({@link io.opensandbox.network.CredentialVault}), both served by the egress sidecar on port
 * {@value io.opensandbox.api.SandboxHandle#EGRESS_PORT}. Reached from any {@link io.opensandbox.api.SandboxHandle}.
 *
 * <p>Calls go to the endpoint the lifecycle server returns for the egress port, with that endpoint's headers
 * (for example {@code OPENSANDBOX-EGRESS-AUTH}); the lifecycle API key is never sent to the sidecar. Credential
 * values are write-only: they appear in request bodies and nowhere else (not in {@code toString()}, logs or
 * exception messages). Needs a transport at run time, for example {@code opensandbox-transport-httpclient5}.
 */
module io.opensandbox.network {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static org.jspecify;

    exports io.opensandbox.network;

    opens io.opensandbox.network.internal to
            com.fasterxml.jackson.databind;
}
