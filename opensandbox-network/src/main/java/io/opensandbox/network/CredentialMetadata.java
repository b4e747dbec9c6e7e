package io.opensandbox.network;

import java.util.Objects;

/** What the vault reports about a credential: its name, source type and revision, never its value. Immutable. */
public final class CredentialMetadata {
    private final String name;
    private final String sourceType;
    private final long revision;

    CredentialMetadata(String name, String sourceType, long revision) {
        this.name = name;
        this.sourceType = sourceType;
        this.revision = revision;
    }

    /**
     * The credential's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The source type as the sidecar reports it, for example {@code inline}; empty when it sent none.
     *
     * @return the source type
     */
    public String sourceType() {
        return sourceType;
    }

    /**
     * The vault revision at which this credential last changed.
     *
     * @return the revision
     */
    public long revision() {
        return revision;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialMetadata that
                && name.equals(that.name)
                && sourceType.equals(that.sourceType)
                && revision == that.revision;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, sourceType, revision);
    }

    @Override
    public String toString() {
        return "CredentialMetadata{name=" + name + ", sourceType=" + sourceType + ", revision=" + revision + "}";
    }
}
