package io.opensandbox.network;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What the vault reports about a binding: name, revision, and its match and auth type when sent. Immutable. */
public final class CredentialBindingMetadata {
    private final String name;
    private final long revision;
    private final @Nullable CredentialMatch match;
    private final @Nullable CredentialAuthMetadata auth;

    CredentialBindingMetadata(
            String name, long revision, @Nullable CredentialMatch match, @Nullable CredentialAuthMetadata auth) {
        this.name = name;
        this.revision = revision;
        this.match = match;
        this.auth = auth;
    }

    /**
     * The binding's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The vault revision at which this binding last changed.
     *
     * @return the revision
     */
    public long revision() {
        return revision;
    }

    /**
     * Which requests the binding applies to, when the sidecar reported it.
     *
     * @return the match
     */
    public Optional<CredentialMatch> match() {
        return Optional.ofNullable(match);
    }

    /**
     * The binding's authentication type, when the sidecar reported it.
     *
     * @return the auth metadata
     */
    public Optional<CredentialAuthMetadata> auth() {
        return Optional.ofNullable(auth);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialBindingMetadata that
                && name.equals(that.name)
                && revision == that.revision
                && Objects.equals(match, that.match)
                && Objects.equals(auth, that.auth);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, revision, match, auth);
    }

    @Override
    public String toString() {
        return "CredentialBindingMetadata{name=" + name + ", revision=" + revision + ", match=" + match + ", auth="
                + auth + "}";
    }
}
