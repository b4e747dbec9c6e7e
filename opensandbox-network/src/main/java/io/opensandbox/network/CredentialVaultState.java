package io.opensandbox.network;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The sanitised state of a sandbox's Credential Vault: its revision and the metadata of its credentials and
 * bindings. Never contains a credential value. Immutable.
 */
public final class CredentialVaultState {
    private final long revision;
    private final List<CredentialMetadata> credentials;
    private final List<CredentialBindingMetadata> bindings;

    CredentialVaultState(
            long revision, List<CredentialMetadata> credentials, List<CredentialBindingMetadata> bindings) {
        this.revision = revision;
        this.credentials = List.copyOf(credentials);
        this.bindings = List.copyOf(bindings);
    }

    /**
     * The vault's revision; pass it as {@link CredentialVaultPatch.Builder#expectedRevision(long)} to guard a
     * patch against concurrent changes.
     *
     * @return the revision
     */
    public long revision() {
        return revision;
    }

    /**
     * The credentials' metadata.
     *
     * @return an unmodifiable list
     */
    public List<CredentialMetadata> credentials() {
        return credentials;
    }

    /**
     * The bindings' metadata.
     *
     * @return an unmodifiable list
     */
    public List<CredentialBindingMetadata> bindings() {
        return bindings;
    }

    /**
     * The credential of a name.
     *
     * @param name the name
     * @return its metadata, or empty
     */
    public Optional<CredentialMetadata> credential(String name) {
        return credentials.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * The binding of a name.
     *
     * @param name the name
     * @return its metadata, or empty
     */
    public Optional<CredentialBindingMetadata> binding(String name) {
        return bindings.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialVaultState that
                && revision == that.revision
                && credentials.equals(that.credentials)
                && bindings.equals(that.bindings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(revision, credentials, bindings);
    }

    @Override
    public String toString() {
        return "CredentialVaultState{revision=" + revision + ", credentials=" + credentials + ", bindings=" + bindings
                + "}";
    }
}
