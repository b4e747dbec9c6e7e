package io.opensandbox.network;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What the vault reports about a binding's authentication: its type and, for API keys, the header name. */
public final class CredentialAuthMetadata {
    private final String rawType;
    private final @Nullable String name;

    CredentialAuthMetadata(String rawType, @Nullable String name) {
        this.rawType = rawType;
        this.name = name;
    }

    /**
     * The type; {@link AuthType#UNKNOWN} for a type this SDK does not know (see {@link #rawType()}).
     *
     * @return the type
     */
    public AuthType type() {
        return AuthType.fromWire(rawType);
    }

    /**
     * The type exactly as the sidecar sent it.
     *
     * @return the raw type
     */
    public String rawType() {
        return rawType;
    }

    /**
     * The name the sidecar reports with the type (the header name of an API key), when present.
     *
     * @return the name
     */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialAuthMetadata that
                && rawType.equals(that.rawType)
                && Objects.equals(name, that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rawType, name);
    }

    @Override
    public String toString() {
        return "CredentialAuthMetadata{type=" + rawType + (name == null ? "" : ", name=" + name) + "}";
    }
}
