package io.opensandbox.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * An atomic change to a Credential Vault: credentials and bindings to add, replace or delete, optionally guarded by
 * the revision the change was computed against (a stale revision fails with a
 * {@link io.opensandbox.api.ConflictException}). Immutable; {@link #toString()} never prints credential values.
 */
public final class CredentialVaultPatch {
    private final @Nullable Long expectedRevision;
    private final List<Credential> addCredentials;
    private final List<Credential> replaceCredentials;
    private final List<String> deleteCredentials;
    private final List<CredentialBinding> addBindings;
    private final List<CredentialBinding> replaceBindings;
    private final List<String> deleteBindings;

    private CredentialVaultPatch(Builder builder) {
        this.expectedRevision = builder.expectedRevision;
        this.addCredentials = List.copyOf(builder.addCredentials);
        this.replaceCredentials = List.copyOf(builder.replaceCredentials);
        this.deleteCredentials = List.copyOf(builder.deleteCredentials);
        this.addBindings = List.copyOf(builder.addBindings);
        this.replaceBindings = List.copyOf(builder.replaceBindings);
        this.deleteBindings = List.copyOf(builder.deleteBindings);
    }

    /**
     * Starts a patch.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The revision the patch expects the vault to be at, when set.
     *
     * @return the revision
     */
    public OptionalLong expectedRevision() {
        return expectedRevision == null ? OptionalLong.empty() : OptionalLong.of(expectedRevision);
    }

    /**
     * Credentials to add.
     *
     * @return an unmodifiable list
     */
    public List<Credential> addCredentials() {
        return addCredentials;
    }

    /**
     * Credentials to replace.
     *
     * @return an unmodifiable list
     */
    public List<Credential> replaceCredentials() {
        return replaceCredentials;
    }

    /**
     * Names of credentials to delete.
     *
     * @return an unmodifiable list
     */
    public List<String> deleteCredentials() {
        return deleteCredentials;
    }

    /**
     * Bindings to add.
     *
     * @return an unmodifiable list
     */
    public List<CredentialBinding> addBindings() {
        return addBindings;
    }

    /**
     * Bindings to replace.
     *
     * @return an unmodifiable list
     */
    public List<CredentialBinding> replaceBindings() {
        return replaceBindings;
    }

    /**
     * Names of bindings to delete.
     *
     * @return an unmodifiable list
     */
    public List<String> deleteBindings() {
        return deleteBindings;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialVaultPatch that
                && Objects.equals(expectedRevision, that.expectedRevision)
                && addCredentials.equals(that.addCredentials)
                && replaceCredentials.equals(that.replaceCredentials)
                && deleteCredentials.equals(that.deleteCredentials)
                && addBindings.equals(that.addBindings)
                && replaceBindings.equals(that.replaceBindings)
                && deleteBindings.equals(that.deleteBindings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                expectedRevision,
                addCredentials,
                replaceCredentials,
                deleteCredentials,
                addBindings,
                replaceBindings,
                deleteBindings);
    }

    @Override
    public String toString() {
        return "CredentialVaultPatch{expectedRevision=" + expectedRevision + ", addCredentials=" + addCredentials
                + ", replaceCredentials=" + replaceCredentials + ", deleteCredentials=" + deleteCredentials
                + ", addBindings=" + addBindings + ", replaceBindings=" + replaceBindings + ", deleteBindings="
                + deleteBindings + "}";
    }

    /** Builds a {@link CredentialVaultPatch}; not thread-safe. */
    public static final class Builder {
        private @Nullable Long expectedRevision;
        private final List<Credential> addCredentials = new ArrayList<>();
        private final List<Credential> replaceCredentials = new ArrayList<>();
        private final List<String> deleteCredentials = new ArrayList<>();
        private final List<CredentialBinding> addBindings = new ArrayList<>();
        private final List<CredentialBinding> replaceBindings = new ArrayList<>();
        private final List<String> deleteBindings = new ArrayList<>();

        private Builder() {}

        /**
         * Applies the patch only if the vault is still at this revision.
         *
         * @param revision the revision read from {@link CredentialVaultState#revision()} or a list call
         * @return this builder
         */
        public Builder expectedRevision(long revision) {
            this.expectedRevision = revision;
            return this;
        }

        /**
         * Adds a new credential.
         *
         * @param credential the credential
         * @return this builder
         */
        public Builder addCredential(Credential credential) {
            addCredentials.add(Objects.requireNonNull(credential, "credential"));
            return this;
        }

        /**
         * Replaces an existing credential's value.
         *
         * @param credential the credential
         * @return this builder
         */
        public Builder replaceCredential(Credential credential) {
            replaceCredentials.add(Objects.requireNonNull(credential, "credential"));
            return this;
        }

        /**
         * Deletes a credential.
         *
         * @param name its name
         * @return this builder
         */
        public Builder deleteCredential(String name) {
            deleteCredentials.add(Checks.name("credential", name));
            return this;
        }

        /**
         * Adds a new binding.
         *
         * @param binding the binding
         * @return this builder
         */
        public Builder addBinding(CredentialBinding binding) {
            addBindings.add(Objects.requireNonNull(binding, "binding"));
            return this;
        }

        /**
         * Replaces an existing binding.
         *
         * @param binding the binding
         * @return this builder
         */
        public Builder replaceBinding(CredentialBinding binding) {
            replaceBindings.add(Objects.requireNonNull(binding, "binding"));
            return this;
        }

        /**
         * Deletes a binding.
         *
         * @param name its name
         * @return this builder
         */
        public Builder deleteBinding(String name) {
            deleteBindings.add(Checks.name("binding", name));
            return this;
        }

        /**
         * Builds the patch.
         *
         * @return the patch
         */
        public CredentialVaultPatch build() {
            return new CredentialVaultPatch(this);
        }
    }
}
