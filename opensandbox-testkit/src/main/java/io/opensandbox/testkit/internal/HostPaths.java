package io.opensandbox.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The lifecycle server's rules for {@code host} volumes: the path must be absolute, free of {@code ..} components and
 * redundant slashes, and equal to or below one of the configured allowed prefixes (none by default, so every host
 * volume is refused). Codes and messages are those of the real server ({@code VOLUME::INVALID_HOST_PATH},
 * {@code VOLUME::HOST_PATH_NOT_ALLOWED}, both 400).
 */
final class HostPaths {
    static final String INVALID_HOST_PATH = "VOLUME::INVALID_HOST_PATH";
    static final String NOT_ALLOWED = "VOLUME::HOST_PATH_NOT_ALLOWED";
    private static final Pattern ABSOLUTE = Pattern.compile("^(/|[A-Za-z]:[\\\\/]).*", Pattern.DOTALL);
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:/.*", Pattern.DOTALL);

    private HostPaths() {}

    /** Checks the shape of {@code path} and that it lies under one of {@code allowed}; lexical only. */
    static void check(String path, List<String> allowed) throws ApiException {
        if (path.isEmpty()) {
            throw ApiException.badRequest(INVALID_HOST_PATH, "Host path cannot be empty.");
        }
        if (!ABSOLUTE.matcher(path).matches()) {
            throw ApiException.badRequest(
                    INVALID_HOST_PATH,
                    "Host path '" + path + "' must be an absolute path starting with '/' or a Windows drive letter"
                            + " (e.g. 'C:\\' or 'D:/').");
        }
        String forward = path.replace('\\', '/');
        String tail = DRIVE.matcher(forward).matches() ? forward.substring(2) : forward;
        // the server rejects any "/.." substring, so "/data/..x" is refused as well
        if (tail.contains("/..")) {
            throw ApiException.badRequest(
                    INVALID_HOST_PATH, "Host path '" + path + "' contains path traversal component '..'.");
        }
        if (tail.contains("//") || (tail.length() > 1 && tail.endsWith("/"))) {
            throw ApiException.badRequest(
                    INVALID_HOST_PATH, "Host path '" + path + "' is not normalized. Remove redundant slashes.");
        }
        String normalized = comparable(path);
        for (String prefix : allowed) {
            String p = comparable(prefix);
            if (normalized.equals(p) || normalized.startsWith(p + "/")) {
                return;
            }
        }
        throw ApiException.badRequest(
                NOT_ALLOWED,
                "Host path '" + path + "' is not under any allowed prefix. Allowed prefixes: " + pythonList(allowed));
    }

    /**
     * Checks that the real location of an existing {@code path} (symbolic links resolved) is still under the real
     * location of an allowed prefix, as the Docker runtime does before it bind-mounts.
     */
    static void checkReal(Path path, List<String> allowed) throws ApiException {
        if (!Files.exists(path)) {
            return;
        }
        String real;
        List<String> realPrefixes = new ArrayList<>();
        try {
            real = path.toRealPath().toString();
        } catch (IOException e) {
            throw ApiException.badRequest(INVALID_HOST_PATH, "Host path '" + path + "' cannot be resolved.");
        }
        for (String prefix : allowed) {
            Path p = Path.of(prefix);
            try {
                realPrefixes.add(Files.exists(p) ? p.toRealPath().toString() : prefix);
            } catch (IOException e) {
                realPrefixes.add(prefix);
            }
        }
        check(real, realPrefixes);
    }

    /** Separators to '/', a drive letter in lower case, no trailing slash except for the root. */
    private static String comparable(String path) {
        String p = path.replace('\\', '/');
        if (p.length() >= 2 && p.charAt(1) == ':' && Character.isLetter(p.charAt(0))) {
            p = Character.toLowerCase(p.charAt(0)) + p.substring(1);
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The prefixes as the Python server prints a list of strings: {@code ['/a', '/b']}. */
    static String pythonList(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append('\'')
                    .append(items.get(i).replace("\\", "\\\\").replace("'", "\\'"))
                    .append('\'');
        }
        return b.append(']').toString();
    }
}
