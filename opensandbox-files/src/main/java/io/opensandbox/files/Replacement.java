package io.opensandbox.files;

import java.util.Objects;

/**
 * Replace every occurrence of {@code oldContent} by {@code newContent} in one file (like
 * {@code String.replace}); the file keeps its permissions.
 *
 * @param path the absolute path of the file
 * @param oldContent the text to find, not empty
 * @param newContent the replacement, possibly empty
 */
public record Replacement(String path, String oldContent, String newContent) {

    /**
     * Checks the components are present.
     *
     * @param path the absolute path of the file
     * @param oldContent the text to find, not empty
     * @param newContent the replacement, possibly empty
     */
    public Replacement {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(oldContent, "oldContent");
        Objects.requireNonNull(newContent, "newContent");
    }
}
