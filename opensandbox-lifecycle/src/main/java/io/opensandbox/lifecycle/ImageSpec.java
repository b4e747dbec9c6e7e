package io.opensandbox.lifecycle;

import io.opensandbox.api.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The container image a sandbox starts from, with registry credentials for private registries. The password
 * never appears in {@link #toString()}.
 */
public final class ImageSpec {
    private final String uri;
    private final @Nullable String username;
    private final @Nullable String password;

    private ImageSpec(String uri, @Nullable String username, @Nullable String password) {
        Objects.requireNonNull(uri, "uri");
        if (uri.isBlank() || uri.chars().anyMatch(c -> c <= ' ')) {
            throw new InvalidArgumentException("image uri must be non-blank without spaces: '" + uri + "'", null);
        }
        this.uri = uri.strip();
        this.username = username;
        this.password = password;
    }

    /**
     * A public image.
     *
     * @param uri the image reference, for example {@code python:3.12}
     * @return the spec
     */
    public static ImageSpec of(String uri) {
        return new ImageSpec(uri, null, null);
    }

    /**
     * An image from a private registry.
     *
     * @param uri the image reference
     * @param username the registry user
     * @param password the registry password or token
     * @return the spec
     */
    public static ImageSpec of(String uri, String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return new ImageSpec(uri, username, password);
    }

    /**
     * The image reference.
     *
     * @return the uri
     */
    public String uri() {
        return uri;
    }

    /**
     * The registry user, when credentials are set.
     *
     * @return the user name
     */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /**
     * The registry password, when credentials are set.
     *
     * @return the password
     */
    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageSpec that
                && uri.equals(that.uri)
                && Objects.equals(username, that.username)
                && Objects.equals(password, that.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, username, password);
    }

    @Override
    public String toString() {
        return username == null ? uri : uri + " (registry user " + username + ", password <redacted>)";
    }
}
