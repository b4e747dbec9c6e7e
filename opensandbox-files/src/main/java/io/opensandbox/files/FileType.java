package io.opensandbox.files;

import java.util.Locale;

/** The kind of a file system entry, as execd reports it. */
public enum FileType {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link (never followed by listings). */
    SYMLINK,
    /** A device, socket, pipe or other special file. */
    OTHER,
    /** A type this version of the SDK does not know; the server is newer. */
    UNKNOWN;

    /**
     * The type for a wire value; unknown or missing values give {@link #UNKNOWN}, never a failure.
     *
     * @param value the value execd sent ({@code file}, {@code directory}, ...), or {@code null}
     * @return the type
     */
    static FileType fromWire(@org.jspecify.annotations.Nullable String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "file" -> FILE;
            case "directory", "dir" -> DIRECTORY;
            case "symlink" -> SYMLINK;
            case "other" -> OTHER;
            default -> UNKNOWN;
        };
    }
}
