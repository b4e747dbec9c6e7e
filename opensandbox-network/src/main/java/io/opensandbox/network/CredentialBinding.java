package io.opensandbox.network;

import java.util.Objects;

/**
 * A rule of the Credential Proxy: requests that {@link #match()} get the headers {@link #auth()} describes, filled
 * from vault credentials. Holds credential names only, never secrets.
 *
 * @param name the binding's name, unique in the vault
 * @param match which requests it applies to
 * @param auth how they are authenticated
 */
public record CredentialBinding(String name, CredentialMatch match, CredentialAuth auth) {

    /**
     * Checks the components.
     *
     * @param name the binding's name
     * @param match which requests it applies to
     * @param auth how they are authenticated
     */
    public CredentialBinding {
        Checks.name("binding", name);
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(auth, "auth");
    }

    /**
     * A binding.
     *
     * @param name the binding's name
     * @param match which requests it applies to
     * @param auth how they are authenticated
     * @return the binding
     */
    public static CredentialBinding of(String name, CredentialMatch match, CredentialAuth auth) {
        return new CredentialBinding(name, match, auth);
    }
}
