package io.opensandbox.network;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.network.internal.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Credential Vault of one sandbox: named secrets and the bindings that tell the sandbox's Credential Proxy which
 * outbound requests get which credentials. Served by the egress sidecar. Credential values are write-only: they are
 * sent in request bodies and never returned, logged or put in exception messages. Thread-safe; cheap to create.
 *
 * <pre>{@code
 * CredentialVault vault = CredentialVault.of(sandbox);
 * vault.create(
 *         List.of(Credential.inline("github-token", token)),
 *         List.of(CredentialBinding.of("github", CredentialMatch.forHosts("api.github.com"),
 *                 CredentialAuth.bearer("github-token"))));
 * }</pre>
 *
 * <p>The sidecar accepts vault writes only over https or loopback ({@link TlsRequiredException}), and only once the
 * Credential Proxy runs ({@link CredentialProxyNotReadyException}).
 */
public final class CredentialVault {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialVault.class);
    private static final String VAULT = "/credential-vault";
    private static final String WRITE_RULES = "names must be unique and non-blank, every binding must refer to"
            + " credentials of the vault, and the sidecar accepts a binding only if an explicit allow rule of the"
            + " egress policy covers each of its hosts and no other binding can match the same request.";

    private final Sidecar sidecar;

    private CredentialVault(SandboxHandle handle) {
        this.sidecar = new Sidecar(handle);
    }

    /**
     * The Credential Vault of a sandbox. The egress endpoint is resolved on the first call, not here.
     *
     * @param handle the sandbox, for example a {@code Sandbox}
     * @return the vault client
     */
    public static CredentialVault of(SandboxHandle handle) {
        return new CredentialVault(handle);
    }

    /**
     * Creates the vault with its first credentials and bindings ({@code POST /credential-vault}).
     *
     * @param credentials the credentials, possibly empty
     * @param bindings the bindings, possibly empty; they refer to credentials by name
     * @return the vault's state, without values
     * @throws ConflictException if the sandbox already has a vault
     * @throws CredentialProxyNotReadyException if the Credential Proxy is not ready
     * @throws TlsRequiredException if the sidecar is reached over plain HTTP on a non-loopback address
     * @throws SandboxException if the call fails
     */
    public CredentialVaultState create(List<Credential> credentials, List<CredentialBinding> bindings) {
        List<Credential> creds = List.copyOf(Objects.requireNonNull(credentials, "credentials"));
        List<CredentialBinding> binds = List.copyOf(Objects.requireNonNull(bindings, "bindings"));
        SidecarErrors.Hints hints = SidecarErrors.Hints.of("creating the Credential Vault")
                .badRequest(WRITE_RULES)
                .conflict("the sandbox already has a Credential Vault; change it with patch(...) or delete() it"
                        + " first.")
                .secrets(Convert.secrets(creds));
        CredentialVaultState state = sidecar.call(
                "vault.create",
                hints,
                client -> Convert.state(client.call("POST", VAULT)
                        .json(Convert.create(creds, binds))
                        .as(Wire.VaultState.class)));
        LOG.debug(
                "created the Credential Vault of sandbox {} at revision {}",
                sidecar.handle().id(),
                state.revision());
        return state;
    }

    /**
     * Reads the vault's sanitised state ({@code GET /credential-vault}).
     *
     * @return the state
     * @throws NotFoundException if the sandbox has no vault
     * @throws SandboxException if the call fails
     */
    public CredentialVaultState get() {
        return sidecar.call(
                "vault.get",
                SidecarErrors.Hints.of("reading the Credential Vault"),
                client -> Convert.state(client.call("GET", VAULT).as(Wire.VaultState.class)));
    }

    /**
     * Applies a patch atomically ({@code PATCH /credential-vault}).
     *
     * @param patch the changes and, optionally, the expected revision
     * @return the vault's state after the change
     * @throws ConflictException if the vault is no longer at the expected revision, or a name clashes
     * @throws NotFoundException if the sandbox has no vault
     * @throws CredentialProxyNotReadyException if the Credential Proxy is not ready
     * @throws TlsRequiredException if the sidecar is reached over plain HTTP on a non-loopback address
     * @throws SandboxException if the call fails
     */
    public CredentialVaultState patch(CredentialVaultPatch patch) {
        Objects.requireNonNull(patch, "patch");
        List<Credential> sent = new ArrayList<>(patch.addCredentials());
        sent.addAll(patch.replaceCredentials());
        String expected = patch.expectedRevision().isPresent()
                ? "revision " + patch.expectedRevision().getAsLong()
                : "the state it was computed from";
        SidecarErrors.Hints hints = SidecarErrors.Hints.of("patching the Credential Vault")
                .badRequest(WRITE_RULES)
                .notFound("the sandbox has no Credential Vault (create() it first), or the patch replaces or deletes"
                        + " a credential or binding that does not exist; read the vault with get().")
                .conflict("the vault changed since " + expected + ", or a credential or binding name clashes; read"
                        + " it again with get(), rebuild the patch with expectedRevision(state.revision()) and"
                        + " retry.")
                .secrets(Convert.secrets(sent));
        CredentialVaultState state = sidecar.call(
                "vault.patch",
                hints,
                client -> Convert.state(
                        client.call("PATCH", VAULT).json(Convert.patch(patch)).as(Wire.VaultState.class)));
        LOG.debug(
                "patched the Credential Vault of sandbox {} to revision {}",
                sidecar.handle().id(),
                state.revision());
        return state;
    }

    /**
     * Deletes the vault with all its credentials and bindings ({@code DELETE /credential-vault}).
     *
     * @throws NotFoundException if the sandbox has no vault
     * @throws SandboxException if the call fails
     */
    public void delete() {
        sidecar.call(
                "vault.delete",
                SidecarErrors.Hints.of("deleting the Credential Vault"),
                client -> client.call("DELETE", VAULT).execute());
        LOG.debug("deleted the Credential Vault of sandbox {}", sidecar.handle().id());
    }

    /**
     * Lists the credentials' metadata with the vault revision ({@code GET /credential-vault/credentials}).
     *
     * @return the revision and the metadata
     * @throws NotFoundException if the sandbox has no vault
     * @throws SandboxException if the call fails
     */
    public RevisionedList<CredentialMetadata> listCredentials() {
        return sidecar.call(
                "vault.listCredentials",
                SidecarErrors.Hints.of("listing Credential Vault credentials"),
                client -> Convert.credentials(
                        client.call("GET", VAULT + "/credentials").as(Wire.CredentialList.class)));
    }

    /**
     * Reads one credential's metadata ({@code GET /credential-vault/credentials/{name}}).
     *
     * @param name the credential's name
     * @return the metadata
     * @throws NotFoundException if there is no such credential or no vault
     * @throws SandboxException if the call fails
     */
    public CredentialMetadata getCredential(String name) {
        String checked = Checks.name("credential", name);
        return sidecar.call(
                "vault.getCredential",
                SidecarErrors.Hints.of("reading credential '" + checked + "'")
                        .notFound("the vault has no credential of that name, or the sandbox has no vault; list them"
                                + " with listCredentials()."),
                client -> Convert.credential(client.call("GET", VAULT + "/credentials/" + Urls.segment(checked))
                        .as(Wire.CredentialMetadata.class)));
    }

    /**
     * Lists the bindings' metadata with the vault revision ({@code GET /credential-vault/bindings}).
     *
     * @return the revision and the metadata
     * @throws NotFoundException if the sandbox has no vault
     * @throws SandboxException if the call fails
     */
    public RevisionedList<CredentialBindingMetadata> listBindings() {
        return sidecar.call(
                "vault.listBindings",
                SidecarErrors.Hints.of("listing Credential Vault bindings"),
                client ->
                        Convert.bindings(client.call("GET", VAULT + "/bindings").as(Wire.BindingList.class)));
    }

    /**
     * Reads one binding's metadata ({@code GET /credential-vault/bindings/{name}}).
     *
     * @param name the binding's name
     * @return the metadata
     * @throws NotFoundException if there is no such binding or no vault
     * @throws SandboxException if the call fails
     */
    public CredentialBindingMetadata getBinding(String name) {
        String checked = Checks.name("binding", name);
        return sidecar.call(
                "vault.getBinding",
                SidecarErrors.Hints.of("reading binding '" + checked + "'")
                        .notFound("the vault has no binding of that name, or the sandbox has no vault; list them"
                                + " with listBindings()."),
                client -> Convert.binding(client.call("GET", VAULT + "/bindings/" + Urls.segment(checked))
                        .as(Wire.BindingMetadata.class)));
    }

    @Override
    public String toString() {
        return "CredentialVault{sandbox=" + sidecar.handle().id() + "}";
    }
}
