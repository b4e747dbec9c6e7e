package io.opensandbox.testkit.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Maps sandbox paths to host paths the way a command inside the sandbox sees them: the sandbox root, with volumes
 * mounted over it and (isolated mode) the host's system folders read-only. Symbolic links are resolved inside the
 * sandbox view, like in a {@code chroot}, so no link can lead outside it.
 */
final class SandboxFs {
    /** A folder mounted into the sandbox view. */
    record Mount(String sandboxPath, Path hostPath, boolean readOnly) {}

    /** A resolved path: the sandbox path after link resolution, the host file and whether writes are forbidden. */
    record Resolved(String sandboxPath, Path host, boolean readOnly) {}

    private static final int MAX_LINKS = 40;

    private final Path root;
    private final List<Mount> mounts;

    SandboxFs(Path root, List<String> systemDirs, List<Mount> volumes) {
        this.root = root;
        List<Mount> all = new ArrayList<>();
        for (String dir : systemDirs) {
            all.add(new Mount("/" + dir, Path.of("/" + dir), true));
        }
        all.addAll(volumes);
        // longest mount path first, so nested mounts win
        all.sort((a, b) ->
                Integer.compare(b.sandboxPath().length(), a.sandboxPath().length()));
        this.mounts = List.copyOf(all);
    }

    Path root() {
        return root;
    }

    /** Lexically normalises an absolute sandbox path; a {@code ..} above the root is rejected. */
    static List<String> normalize(String path) throws ApiException {
        if (path.isEmpty()) {
            throw ApiException.badRequest("INVALID_REQUEST_BODY", "path must not be empty");
        }
        if (path.indexOf('\0') >= 0) {
            throw ApiException.badRequest("INVALID_REQUEST_BODY", "path must not contain NUL characters");
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new ApiException(
                            400, "INVALID_PATH", "path '" + path + "' escapes the sandbox root (path traversal)");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(part);
        }
        return parts;
    }

    static String join(List<String> parts) {
        return "/" + String.join("/", parts);
    }

    /**
     * Resolves a sandbox path.
     *
     * @param followLast whether a link in the last component is followed (false for delete/lstat)
     */
    Resolved resolve(String path, boolean followLast) throws ApiException {
        Deque<String> todo = new ArrayDeque<>(normalize(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(part);
            if (todo.isEmpty() && !followLast) {
                break;
            }
            Path host = map(done).host();
            if (Files.isSymbolicLink(host)) {
                if (++links > MAX_LINKS) {
                    throw ApiException.badRequest("INVALID_PATH", "too many levels of symbolic links in " + path);
                }
                String target;
                try {
                    target = Files.readSymbolicLink(host).toString();
                } catch (IOException e) {
                    throw new ApiException(500, "RUNTIME_ERROR", "cannot read link " + join(done));
                }
                done.remove(done.size() - 1);
                if (target.startsWith("/")) {
                    done.clear();
                }
                String[] targetParts = target.split("/", -1);
                for (int i = targetParts.length - 1; i >= 0; i--) {
                    todo.addFirst(targetParts[i]);
                }
            }
        }
        return map(done);
    }

    private Resolved map(List<String> parts) {
        String sandboxPath = join(parts);
        for (Mount m : mounts) {
            String mp = m.sandboxPath();
            if (sandboxPath.equals(mp) || sandboxPath.startsWith(mp + "/")) {
                String rest = sandboxPath.substring(mp.length());
                Path host = rest.isEmpty() ? m.hostPath() : m.hostPath().resolve(rest.substring(1));
                return new Resolved(sandboxPath, host, m.readOnly());
            }
        }
        Path host = parts.isEmpty() ? root : root.resolve(String.join("/", parts));
        return new Resolved(sandboxPath, host, false);
    }

    static boolean isDirectoryNoFollow(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
