package io.opensandbox.lifecycle;

import io.opensandbox.api.InvalidArgumentException;
import java.util.Objects;

/**
 * The operating system and CPU architecture a sandbox must run on.
 *
 * @param os {@code linux} or {@code windows}
 * @param arch {@code amd64} or {@code arm64}
 */
public record Platform(String os, String arch) {

    /** Linux on amd64. */
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64");

    /** Linux on arm64. */
    public static final Platform LINUX_ARM64 = new Platform("linux", "arm64");

    /**
     * Checks the components.
     *
     * @param os {@code linux} or {@code windows}
     * @param arch {@code amd64} or {@code arm64}
     */
    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(arch, "arch");
        if (os.isBlank() || arch.isBlank()) {
            throw new InvalidArgumentException("platform os and arch must not be blank", null);
        }
    }
}
