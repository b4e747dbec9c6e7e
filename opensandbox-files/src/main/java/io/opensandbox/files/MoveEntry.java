package io.opensandbox.files;

import java.util.Objects;

/**
 * One move or rename: {@code source} becomes {@code destination}. Both are absolute paths in the sandbox; the
 * destination's directory must exist.
 *
 * @param source the current path
 * @param destination the new path
 */
public record MoveEntry(String source, String destination) {

    /**
     * Checks the components are present.
     *
     * @param source the current path
     * @param destination the new path
     */
    public MoveEntry {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
    }
}
