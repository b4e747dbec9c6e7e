package io.opensandbox.files.internal;

import io.opensandbox.api.InvalidArgumentException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Checks of paths inside the sandbox, made before any request is sent. */
public final class RemotePaths {
    private RemotePaths() {}

    /**
     * Checks one path: present, not blank, absolute, without control characters.
     *
     * @param path the path
     * @param what what the path is, for the message ({@code "path"}, {@code "source"})
     * @return the path, unchanged
     * @throws InvalidArgumentException if the path is not acceptable
     */
    public static String check(@Nullable String path, String what) {
        if (path == null) {
            throw new InvalidArgumentException(what + " must not be null", null);
        }
        if (path.isBlank()) {
            throw new InvalidArgumentException(what + " must not be blank", null);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidArgumentException(
                        what + " contains a control character (0x" + Integer.toHexString(c) + ") at index " + i + ": "
                                + printable(path),
                        null);
            }
        }
        if (!path.startsWith("/")) {
            throw new InvalidArgumentException(
                    what + " must be absolute (start with '/'): execd resolves relative paths against its own working"
                            + " directory, which differs between images; got '" + path + "'",
                    null);
        }
        return path;
    }

    /**
     * Checks a non-empty list of paths, each with {@link #check}.
     *
     * @param paths the paths
     * @param what what they are, for the message
     * @return an immutable copy
     */
    public static List<String> checkAll(@Nullable Collection<String> paths, String what) {
        if (paths == null || paths.isEmpty()) {
            throw new InvalidArgumentException("at least one " + what + " is needed", null);
        }
        for (String path : paths) {
            check(path, what);
        }
        return List.copyOf(paths);
    }

    /**
     * Fails when the same path appears twice.
     *
     * @param paths the paths
     * @param what what they are, for the message
     */
    public static void checkDistinct(Collection<String> paths, String what) {
        Set<String> seen = new HashSet<>();
        for (String path : paths) {
            if (!seen.add(path)) {
                throw new InvalidArgumentException("the same " + what + " appears twice: " + path, null);
            }
        }
    }

    /**
     * A safe {@code filename} for a multipart part: the last segment of the path with everything but printable
     * ASCII, quotes and backslashes replaced by {@code _}. execd takes the target from the metadata part; the file
     * name is informative only and must never make the part unreadable.
     *
     * @param path an absolute path
     * @return the file name, never empty
     */
    public static String partFilename(String path) {
        String trimmed = path;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        StringBuilder name = new StringBuilder(base.length());
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            name.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        return name.length() == 0 ? "file" : name.toString();
    }

    private static String printable(String path) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
