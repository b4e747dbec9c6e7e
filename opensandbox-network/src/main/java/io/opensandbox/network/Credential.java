package io.opensandbox.network;

import io.opensandbox.api.InvalidArgumentException;
import java.util.Objects;

/**
 * A named secret to store in the Credential Vault. The value is write-only: it goes into the request body of
 * {@link CredentialVault#create} or {@link CredentialVault#patch} and is never returned by the sidecar, printed by
 * {@link #toString()} or put in an exception message. Bindings refer to the credential by {@link #name()}.
 */
public final class Credential {
    private final String name;
    private final String value;

    private Credential(String name, String value) {
        this.name = name;
        this.value = value;
    }

    /**
     * An inline credential: the value itself is sent to the vault.
     *
     * @param name the credential's name, unique in the vault
     * @param value the secret value, not empty
     * @return the credential
     * @throws InvalidArgumentException if the name is blank or the value empty
     */
    public static Credential inline(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Checks.name("credential", name);
        if (value.isEmpty()) {
            throw new InvalidArgumentException(
                    "credential '" + name + "' has an empty value; pass the secret to store", null);
        }
        return new Credential(name, value);
    }

    /**
     * The credential's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /** The secret, for the wire only. */
    String value() {
        return value;
    }

    /**
     * Equal when name and value are equal.
     *
     * @param other the other object
     * @return whether equal
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Credential that && name.equals(that.name) && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value);
    }

    /**
     * The name and source type, never the value.
     *
     * @return a printable form
     */
    @Override
    public String toString() {
        return "Credential{name=" + name + ", source=inline, value=<redacted>}";
    }
}
