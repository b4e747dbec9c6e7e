package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** execd's file and directory API, mapped onto the sandbox view by {@link SandboxFs}. */
final class FilesApi {
    private static final String BAD = "INVALID_REQUEST_BODY";
    private static final int MAX_ENTRIES = 100_000;
    private static final int MAX_METADATA = 1024 * 1024;

    private final Registry registry;

    FilesApi(Registry registry) {
        this.registry = registry;
    }

    void handle(HttpExchange ex, SandboxRecord sb, String method, List<String> segs) throws IOException, ApiException {
        String route = method + " " + String.join("/", segs);
        try {
            switch (route) {
                case "GET files/info" -> {
                    info(ex, sb);
                    return;
                }
                case "DELETE files" -> {
                    deleteFiles(ex, sb);
                    return;
                }
                case "POST files/permissions" -> {
                    permissions(ex, sb);
                    return;
                }
                case "POST files/mv" -> {
                    move(ex, sb);
                    return;
                }
                case "GET files/search" -> {
                    search(ex, sb);
                    return;
                }
                case "POST files/replace" -> {
                    replace(ex, sb);
                    return;
                }
                case "POST files/upload" -> {
                    upload(ex, sb);
                    return;
                }
                case "GET files/download" -> {
                    download(ex, sb);
                    return;
                }
                case "GET directories/list" -> {
                    list(ex, sb);
                    return;
                }
                case "POST directories" -> {
                    mkdirs(ex, sb);
                    return;
                }
                case "DELETE directories" -> {
                    rmdirs(ex, sb);
                    return;
                }
                default -> {
                    throw ApiException.execdNoRoute();
                }
            }
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("FILE_NOT_FOUND", "file not found: " + sandboxName(sb, e.getFile()));
        } catch (AccessDeniedException e) {
            throw new ApiException(403, "PERMISSION_DENIED", "permission denied: " + sandboxName(sb, e.getFile()));
        } catch (FileAlreadyExistsException e) {
            throw ApiException.badRequest(BAD, "file exists: " + sandboxName(sb, e.getFile()));
        } catch (DirectoryNotEmptyException e) {
            throw ApiException.badRequest(BAD, "directory not empty: " + sandboxName(sb, e.getFile()));
        } catch (NotDirectoryException e) {
            throw ApiException.badRequest(BAD, "not a directory: " + sandboxName(sb, e.getFile()));
        }
    }

    /** Hides host paths in messages: shows the part below the sandbox root. */
    private static String sandboxName(SandboxRecord sb, @Nullable String hostFile) {
        if (hostFile == null) {
            return "";
        }
        String root = sb.root().toString();
        return hostFile.startsWith(root)
                ? hostFile.substring(root.length())
                : Path.of(hostFile).getFileName() + "";
    }

    private static List<String> paths(HttpExchange ex) throws ApiException {
        List<String> paths = Http.all(Http.query(ex), "path");
        if (paths.isEmpty() || paths.stream().anyMatch(String::isEmpty)) {
            throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'path'");
        }
        return paths;
    }

    private static SandboxFs.Resolved writable(SandboxRecord sb, String path, boolean followLast) throws ApiException {
        SandboxFs.Resolved r = sb.fs().resolve(path, followLast);
        if (r.readOnly()) {
            throw new ApiException(403, "PERMISSION_DENIED", r.sandboxPath() + " is on a read-only file system");
        }
        if (r.host().equals(sb.root())) {
            throw new ApiException(403, "PERMISSION_DENIED", "the sandbox root itself cannot be changed");
        }
        return r;
    }

    // ---------------------------------------------------------------- info, delete, chmod, mv

    private void info(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode out = Json.object();
        for (String path : paths(ex)) {
            SandboxFs.Resolved r = sb.fs().resolve(path, true);
            if (!Files.exists(r.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.notFound("FILE_NOT_FOUND", "file not found: " + path);
            }
            out.set(path, fileInfo(path, r.host()));
        }
        Http.json(ex, 200, out);
    }

    static ObjectNode fileInfo(String sandboxPath, Path host) throws IOException {
        PosixFileAttributes a = Files.readAttributes(host, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        ObjectNode o = Json.object();
        o.put("path", sandboxPath);
        o.put(
                "type",
                a.isSymbolicLink() ? "symlink" : a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : "other");
        o.put("size", a.size());
        o.put("modified_at", a.lastModifiedTime().toInstant().toString());
        Instant created = a.creationTime().toInstant();
        o.put("created_at", created.toString());
        o.put("owner", a.owner().getName());
        o.put("group", a.group().getName());
        o.put("mode", modeDigits(a.permissions()));
        return o;
    }

    private static int bit(PosixFilePermission p) {
        return switch (p) {
            case OWNER_READ -> 0400;
            case OWNER_WRITE -> 0200;
            case OWNER_EXECUTE -> 0100;
            case GROUP_READ -> 040;
            case GROUP_WRITE -> 020;
            case GROUP_EXECUTE -> 010;
            case OTHERS_READ -> 04;
            case OTHERS_WRITE -> 02;
            case OTHERS_EXECUTE -> 01;
        };
    }

    private static int modeDigits(Set<PosixFilePermission> perms) {
        int bits = 0;
        for (PosixFilePermission p : perms) {
            bits |= bit(p);
        }
        return Integer.parseInt(Integer.toOctalString(bits));
    }

    private void deleteFiles(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        for (String path : paths(ex)) {
            SandboxFs.Resolved r = writable(sb, path, false);
            if (Files.isDirectory(r.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.badRequest(BAD, path + " is a directory; use DELETE /directories");
            }
            Files.deleteIfExists(r.host());
        }
        Http.empty(ex, 200);
    }

    private void permissions(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        for (Map.Entry<String, JsonNode> e : req.properties()) {
            SandboxFs.Resolved r = writable(sb, e.getKey(), true);
            if (!Files.exists(r.host())) {
                throw ApiException.notFound("FILE_NOT_FOUND", "file not found: " + e.getKey());
            }
            applyPermission(r.host(), e.getValue());
        }
        Http.empty(ex, 200);
    }

    /** Applies {owner?, group?, mode?}; mode's decimal digits are the octal mode, 0 = leave as is. */
    static void applyPermission(Path host, @Nullable JsonNode perm) throws IOException, ApiException {
        if (perm == null || perm.isNull()) {
            return;
        }
        if (!perm.isObject()) {
            throw ApiException.badRequest(BAD, "a permission must be an object {owner, group, mode}");
        }
        JsonNode mode = perm.get("mode");
        if (mode != null && !mode.isNull()) {
            if (!mode.isIntegralNumber() || mode.longValue() < 0) {
                throw ApiException.badRequest(BAD, "mode must be a non-negative integer such as 755");
            }
            if (mode.longValue() != 0) {
                int bits;
                try {
                    bits = Integer.parseInt(Long.toString(mode.longValue()), 8);
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest(BAD, "mode " + mode.longValue() + " is not an octal mode");
                }
                if (bits > 07777) {
                    throw ApiException.badRequest(BAD, "mode " + mode.longValue() + " is out of range");
                }
                Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
                for (PosixFilePermission p : PosixFilePermission.values()) {
                    if ((bits & bit(p)) != 0) {
                        perms.add(p);
                    }
                }
                Files.setPosixFilePermissions(host, perms);
            }
        }
        UserPrincipalLookupService lookup = host.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view =
                Files.getFileAttributeView(host, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        String owner = Json.text(perm, "owner", BAD);
        String group = Json.text(perm, "group", BAD);
        try {
            if (owner != null && !owner.isEmpty()) {
                UserPrincipal user = lookup.lookupPrincipalByName(owner);
                view.setOwner(user);
            }
            if (group != null && !group.isEmpty()) {
                GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
                view.setGroup(g);
            }
        } catch (UserPrincipalNotFoundException e) {
            throw ApiException.badRequest(BAD, "unknown user or group " + e.getName());
        }
    }

    private void move(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        JsonNode req = Json.parse(Http.readJsonBody(ex), BAD);
        if (!req.isArray()) {
            throw ApiException.badRequest(BAD, "request body must be an array of {src, dest}");
        }
        for (JsonNode m : req) {
            String src = Json.requiredText(m, "src", BAD);
            String dest = Json.requiredText(m, "dest", BAD);
            SandboxFs.Resolved from = writable(sb, src, false);
            SandboxFs.Resolved to = writable(sb, dest, false);
            if (!Files.exists(from.host(), LinkOption.NOFOLLOW_LINKS)) {
                throw ApiException.notFound("FILE_NOT_FOUND", "file not found: " + src);
            }
            Path parent = to.host().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            moveFile(from.host(), to.host());
        }
        Http.empty(ex, 200);
    }

    private static void moveFile(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ---------------------------------------------------------------- search, replace

    private void search(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        Map<String, List<String>> q = Http.query(ex);
        String path = Http.first(q, "path");
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'path'");
        }
        String pattern = Http.first(q, "pattern");
        if (pattern == null || pattern.isEmpty()) {
            pattern = "**";
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(BAD, "invalid glob pattern " + pattern);
        }
        SandboxFs.Resolved base = sb.fs().resolve(path, true);
        if (!Files.isDirectory(base.host())) {
            throw ApiException.notFound("FILE_NOT_FOUND", "directory not found: " + path);
        }
        ArrayNode out = Json.array();
        String prefix = base.sandboxPath().equals("/") ? "" : base.sandboxPath();
        try (Stream<Path> walk = Files.walk(base.host())) {
            Iterator<Path> it = walk.limit(MAX_ENTRIES).iterator();
            while (it.hasNext()) {
                Path p = it.next();
                if (p.equals(base.host()) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path rel = base.host().relativize(p);
                Path name = rel.getFileName();
                if (matcher.matches(rel) || (name != null && matcher.matches(name))) {
                    out.add(fileInfo(prefix + "/" + rel, p));
                }
            }
        }
        Http.json(ex, 200, out);
    }

    private void replace(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        boolean verbose = "true".equalsIgnoreCase(Http.first(Http.query(ex), "verbose"));
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> e : req.properties()) {
            JsonNode spec = e.getValue();
            if (!spec.isObject()) {
                throw ApiException.badRequest(BAD, "replace entry for " + e.getKey() + " must be {old, new}");
            }
            String old = Json.requiredText(spec, "old", BAD);
            String neu = Json.text(spec, "new", BAD);
            if (old.isEmpty()) {
                throw ApiException.badRequest(BAD, "'old' must not be empty");
            }
            SandboxFs.Resolved r = writable(sb, e.getKey(), true);
            if (!Files.isRegularFile(r.host())) {
                throw ApiException.notFound("FILE_NOT_FOUND", "file not found: " + e.getKey());
            }
            if (Files.size(r.host()) > 64L * 1024 * 1024) {
                throw new ApiException(413, BAD, "file too large for replace: " + e.getKey());
            }
            String content = Files.readString(r.host(), StandardCharsets.UTF_8);
            int count = 0;
            for (int i = content.indexOf(old); i >= 0; i = content.indexOf(old, i + old.length())) {
                count++;
            }
            if (count > 0) {
                Files.writeString(r.host(), content.replace(old, neu == null ? "" : neu), StandardCharsets.UTF_8);
            }
            out.putObject(e.getKey()).put("replacedCount", count);
        }
        if (verbose) {
            Http.json(ex, 200, out);
        } else {
            Http.empty(ex, 200);
        }
    }

    // ---------------------------------------------------------------- upload, download

    private void upload(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        String boundary = MultipartReader.boundary(ex.getRequestHeaders().getFirst("Content-Type"));
        if (boundary == null) {
            throw ApiException.badRequest(BAD, "Content-Type must be multipart/form-data with a boundary");
        }
        Path spool = registry.config().rootDirectory().resolve("uploads");
        Files.createDirectories(spool);
        List<JsonNode> metas = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            MultipartReader reader = new MultipartReader(ex.getRequestBody(), boundary);
            for (int parts = 0; parts < 100_000; parts++) {
                Map<String, String> headers = reader.nextPart();
                if (headers == null) {
                    break;
                }
                Map<String, String> cd = MultipartReader.params(headers.getOrDefault("content-disposition", ""));
                String name = cd.get("name");
                boolean hasFilename = cd.containsKey("filename");
                if ("metadata".equals(name) && hasFilename) {
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    reader.copyBody(buf, MAX_METADATA);
                    JsonNode meta = Json.parse(buf.toByteArray(), "INVALID_FILE_METADATA");
                    if (!meta.isObject()) {
                        throw ApiException.badRequest("INVALID_FILE_METADATA", "metadata must be a JSON object");
                    }
                    metas.add(meta);
                } else if ("file".equals(name) && hasFilename) {
                    Path tmp = spool.resolve(UUID.randomUUID().toString());
                    files.add(tmp);
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        reader.copyBody(out, Long.MAX_VALUE);
                    }
                }
                // any other part (including a filename-less "metadata" form value) is ignored, like Go does
            }
            if (metas.isEmpty()) {
                throw ApiException.badRequest("INVALID_FILE_METADATA", "metadata file is missing");
            }
            if (files.isEmpty()) {
                throw ApiException.badRequest("INVALID_FILE", "file is missing");
            }
            if (metas.size() != files.size()) {
                throw ApiException.badRequest(
                        "INVALID_FILE_METADATA",
                        "metadata count (" + metas.size() + ") and file count (" + files.size() + ") differ");
            }
            List<SandboxFs.Resolved> targets = new ArrayList<>();
            for (JsonNode meta : metas) {
                String path = Json.text(meta, "path", "INVALID_FILE_METADATA");
                if (path == null || path.isEmpty()) {
                    throw ApiException.badRequest("INVALID_FILE_METADATA", "metadata path is required");
                }
                SandboxFs.Resolved r = writable(sb, path, true);
                if (Files.isDirectory(r.host())) {
                    throw ApiException.badRequest("INVALID_FILE_METADATA", path + " is a directory");
                }
                targets.add(r);
            }
            for (int i = 0; i < targets.size(); i++) {
                Path target = targets.get(i).host();
                Path parent = target.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                moveFile(files.get(i), target);
                applyPermission(target, metas.get(i));
            }
            Http.empty(ex, 200);
        } finally {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    private void download(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        String path = Http.first(Http.query(ex), "path");
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'path'");
        }
        SandboxFs.Resolved r = sb.fs().resolve(path, true);
        if (!Files.exists(r.host())) {
            throw ApiException.notFound("FILE_NOT_FOUND", "file not found: " + path);
        }
        if (!Files.isRegularFile(r.host())) {
            throw ApiException.badRequest(BAD, path + " is not a regular file");
        }
        long size = Files.size(r.host());
        long start = 0;
        long end = size - 1;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && !range.isBlank()) {
            long[] parsed = parseRange(range.trim(), size);
            if (parsed == null) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                // filesystem_download.go: RespondError(http.StatusRequestedRangeNotSatisfiable, model.ErrorCodeUnknown)
                throw new ApiException(416, "UNKNOWN", "range " + range + " not satisfiable for size " + size);
            }
            start = parsed[0];
            end = parsed[1];
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        Path fileName = r.host().getFileName();
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.getResponseHeaders()
                .set(
                        "Content-Disposition",
                        "attachment; filename=\""
                                + (fileName == null
                                        ? "file"
                                        : fileName.toString().replace("\"", "")) + "\"");
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        long length = end - start + 1;
        ex.sendResponseHeaders(status, length <= 0 ? -1 : length);
        if (length <= 0) {
            return;
        }
        try (InputStream in = Files.newInputStream(r.host());
                OutputStream out = ex.getResponseBody()) {
            in.skipNBytes(start);
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }

    /** Parses a single {@code bytes=a-b} range; null when unsatisfiable or malformed. */
    static long @Nullable [] parseRange(String header, long size) {
        if (!header.startsWith("bytes=") || header.contains(",")) {
            return null;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            long start;
            long end;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0 || size == 0) {
                    return null;
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (start < 0 || start >= size || end < start) {
                return null;
            }
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- directories

    private void list(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        Map<String, List<String>> q = Http.query(ex);
        String path = Http.first(q, "path");
        if (path == null || path.isEmpty()) {
            throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'path'");
        }
        int depth = 1;
        String d = Http.first(q, "depth");
        if (d != null && !d.isEmpty()) {
            try {
                depth = Integer.parseInt(d);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(BAD, "depth must be an integer");
            }
            if (depth < 0) {
                throw ApiException.badRequest(BAD, "depth must be >= 0");
            }
            depth = Math.max(depth, 1);
        }
        SandboxFs.Resolved unresolved = sb.fs().resolve(path, false);
        if (Files.isSymbolicLink(unresolved.host())) {
            throw ApiException.badRequest(BAD, path + " is a symbolic link");
        }
        SandboxFs.Resolved r = sb.fs().resolve(path, true);
        if (!Files.exists(r.host())) {
            throw ApiException.notFound("FILE_NOT_FOUND", "directory not found: " + path);
        }
        if (!Files.isDirectory(r.host())) {
            throw ApiException.badRequest(BAD, path + " is not a directory");
        }
        ArrayNode out = Json.array();
        String prefix = r.sandboxPath().equals("/") ? "" : r.sandboxPath();
        walkSorted(r.host(), prefix, depth, out, new int[] {0});
        Http.json(ex, 200, out);
    }

    private static void walkSorted(Path dir, String sandboxDir, int depth, ArrayNode out, int[] count)
            throws IOException {
        List<Path> children = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.limit(MAX_ENTRIES).forEach(children::add);
        }
        children.sort((a, b) -> String.valueOf(a.getFileName()).compareTo(String.valueOf(b.getFileName())));
        for (Path child : children) {
            if (++count[0] > MAX_ENTRIES) {
                return;
            }
            String name = sandboxDir + "/" + child.getFileName();
            out.add(fileInfo(name, child));
            if (depth > 1 && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                walkSorted(child, name, depth - 1, out, count);
            }
        }
    }

    private void mkdirs(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        for (Map.Entry<String, JsonNode> e : req.properties()) {
            SandboxFs.Resolved r = writable(sb, e.getKey(), true);
            Files.createDirectories(r.host());
            applyPermission(r.host(), e.getValue());
        }
        Http.empty(ex, 200);
    }

    private void rmdirs(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        for (String path : paths(ex)) {
            SandboxFs.Resolved r = writable(sb, path, false);
            for (SandboxFs.Mount m : sb.volumes()) {
                if (m.sandboxPath().startsWith(r.sandboxPath() + "/")
                        || m.sandboxPath().equals(r.sandboxPath())) {
                    throw new ApiException(
                            403, "PERMISSION_DENIED", path + " contains the mount point " + m.sandboxPath());
                }
            }
            if (Files.isSymbolicLink(r.host()) || Files.isRegularFile(r.host(), LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(r.host());
            } else {
                Registry.deleteTree(r.host());
            }
        }
        Http.empty(ex, 200);
    }
}
