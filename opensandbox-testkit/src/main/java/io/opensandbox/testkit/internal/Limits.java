package io.opensandbox.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource limits of one sandbox and how they are enforced on this machine: memory and process count by a cgroup
 * (v2 when its controllers are delegated, else the v1 {@code memory} and {@code pids} hierarchies when writable), else
 * by {@code RLIMIT_AS} / {@code RLIMIT_NPROC}; the size of any one written file always by {@code RLIMIT_FSIZE}.
 */
record Limits(long memoryBytes, long pids, long fileSizeBytes) {
    private static final Logger LOG = LoggerFactory.getLogger(Limits.class);

    /** Applied when the request names none: enough for tests, small enough to keep the developer's machine alive. */
    static final long DEFAULT_MEMORY = 2L << 30;

    static final long DEFAULT_PIDS = 1024;
    static final long DEFAULT_FILE_SIZE = 1L << 30;

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([KMGTPE]i?|k|m)?");

    /**
     * The limits a create request asks for ({@code memory}; {@code pids}; {@code ephemeral-storage}, enforced as the
     * largest size of one file), the defaults for the rest.
     */
    static Limits of(Map<String, String> resourceLimits) throws ApiException {
        long memory = DEFAULT_MEMORY;
        long pids = DEFAULT_PIDS;
        String m = resourceLimits.get("memory");
        if (m != null) {
            memory = bytes(m);
            if (memory < (4L << 20)) {
                throw ApiException.badRequest(
                        "SANDBOX::INVALID_PARAMETER", "resourceLimits.memory must be at least 4Mi, was " + m);
            }
        }
        String p = resourceLimits.get("pids");
        if (p != null) {
            try {
                pids = Long.parseLong(p.trim());
            } catch (NumberFormatException e) {
                pids = -1;
            }
            if (pids < 8) {
                throw ApiException.badRequest(
                        "SANDBOX::INVALID_PARAMETER", "resourceLimits.pids must be an integer of at least 8, was " + p);
            }
        }
        long fileSize = DEFAULT_FILE_SIZE;
        String e = resourceLimits.get("ephemeral-storage");
        if (e != null) {
            fileSize = bytes(e);
            if (fileSize < 1) {
                throw ApiException.badRequest(
                        "SANDBOX::INVALID_PARAMETER", "resourceLimits.ephemeral-storage must be positive, was " + e);
            }
        }
        return new Limits(memory, pids, fileSize);
    }

    /** A Kubernetes memory quantity ({@code 512Mi}, {@code 1G}, {@code 1048576}) in bytes. */
    static long bytes(String quantity) throws ApiException {
        Matcher q = QUANTITY.matcher(quantity.trim());
        if (!q.matches()) {
            throw ApiException.badRequest(
                    "SANDBOX::INVALID_PARAMETER", "resourceLimits quantity is not valid: " + quantity);
        }
        double n = Double.parseDouble(q.group(1));
        String unit = q.group(2) == null ? "" : q.group(2);
        double factor = switch (unit) {
            case "" -> 1;
            case "m" -> 0.001;
            case "k", "K" -> 1e3;
            case "M" -> 1e6;
            case "G" -> 1e9;
            case "T" -> 1e12;
            case "P" -> 1e15;
            case "E" -> 1e18;
            case "Ki" -> 1024d;
            case "Mi" -> 1024d * 1024;
            case "Gi" -> 1024d * 1024 * 1024;
            case "Ti" -> 1024d * 1024 * 1024 * 1024;
            case "Pi" -> 1024d * 1024 * 1024 * 1024 * 1024;
            default -> 1024d * 1024 * 1024 * 1024 * 1024 * 1024;
        };
        double b = n * factor;
        return b >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) b;
    }

    /**
     * One sandbox's cgroups: the {@code cgroup.procs} files a process writes itself to, the rlimits still needed for
     * what no cgroup covers, and the folders to remove afterwards.
     */
    record Applied(List<Path> procsFiles, List<String> prlimit, List<Path> dirs) {}

    /** Where this machine can put sandbox cgroups; detected once per server. */
    static final class Cgroups {
        private final @Nullable Path v2;
        private final @Nullable Path v1Memory;
        private final @Nullable Path v1Pids;

        private Cgroups(@Nullable Path v2, @Nullable Path v1Memory, @Nullable Path v1Pids) {
            this.v2 = v2;
            this.v1Memory = v1Memory;
            this.v1Pids = v1Pids;
        }

        /** Detects the mechanisms; logs what will be enforced how. */
        static Cgroups detect(String serverTag) {
            Path v2 = null;
            Path mem = null;
            Path pids = null;
            List<String> own;
            try {
                own = Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                own = List.of();
            }
            if (Boolean.getBoolean("opensandbox.testkit.noCgroups")) {
                // test knob (and an escape hatch): rlimits only
                own = List.of();
            }
            Path unified = Path.of("/sys/fs/cgroup");
            String v2Own = own(own, "");
            if (v2Own != null && Files.isRegularFile(unified.resolve("cgroup.controllers"))) {
                v2 = tryV2(unified.resolve(v2Own.substring(1)), serverTag);
            }
            if (v2 == null) {
                mem = tryV1(Path.of("/sys/fs/cgroup/memory"), own(own, "memory"), serverTag, "memory.limit_in_bytes");
                pids = tryV1(Path.of("/sys/fs/cgroup/pids"), own(own, "pids"), serverTag, "pids.max");
            }
            Cgroups c = new Cgroups(v2, mem, pids);
            LOG.info(
                    "opensandbox-testkit resource limits: memory by {}, process count by {}, file size by RLIMIT_FSIZE",
                    v2 != null ? "cgroup v2" : mem != null ? "cgroup v1" : "RLIMIT_AS (no writable memory cgroup)",
                    v2 != null
                            ? "cgroup v2"
                            : pids != null ? "cgroup v1" : "RLIMIT_NPROC (no writable pids cgroup; root is exempt)");
            return c;
        }

        /** The path of this process's cgroup in the hierarchy of {@code controller} ("" for v2). */
        private static @Nullable String own(List<String> lines, String controller) {
            for (String line : lines) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) {
                    return f[2];
                }
                if (f.length == 3 && controller.isEmpty() && f[0].equals("0") && f[1].isEmpty()) {
                    return f[2];
                }
            }
            return null;
        }

        private static @Nullable Path tryV2(Path own, String tag) {
            // no internal processes in v2: the server's own cgroup holds the JVM, so sandboxes go in a sibling
            Path up = own.equals(Path.of("/sys/fs/cgroup")) ? own : own.getParent();
            if (up == null) {
                return null;
            }
            Path parent = up.resolve(tag);
            try {
                String controllers = Files.readString(up.resolve("cgroup.controllers"));
                if (!controllers.contains("memory") || !controllers.contains("pids")) {
                    return null;
                }
                String enabled = Files.readString(up.resolve("cgroup.subtree_control"));
                if (!enabled.contains("memory") || !enabled.contains("pids")) {
                    Files.writeString(up.resolve("cgroup.subtree_control"), "+memory +pids");
                }
                Files.createDirectories(parent);
                Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +pids");
                return parent;
            } catch (IOException | RuntimeException e) {
                remove(parent);
                return null;
            }
        }

        private static @Nullable Path tryV1(Path mount, @Nullable String own, String tag, String probeFile) {
            if (own == null || !Files.isDirectory(mount)) {
                return null;
            }
            Path parent = mount.resolve(own.substring(1)).resolve(tag);
            Path probe = parent.resolve("probe");
            try {
                Files.createDirectories(probe);
                Files.writeString(
                        probe.resolve(probeFile),
                        Files.readString(probe.resolve(probeFile)).trim());
                remove(probe);
                return parent;
            } catch (IOException | RuntimeException e) {
                remove(probe);
                remove(parent);
                return null;
            }
        }

        /** Creates the cgroups of one sandbox; whatever fails falls back to rlimits, with a warning. */
        Applied apply(String sandboxId, Limits limits) {
            List<Path> procs = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            boolean memory = false;
            boolean pids = false;
            try {
                if (v2 != null) {
                    Path d = Files.createDirectories(v2.resolve(sandboxId));
                    dirs.add(d);
                    Files.writeString(d.resolve("memory.max"), "" + limits.memoryBytes());
                    write(d.resolve("memory.swap.max"), "0");
                    Files.writeString(d.resolve("pids.max"), "" + limits.pids());
                    procs.add(d.resolve("cgroup.procs"));
                    memory = true;
                    pids = true;
                } else {
                    if (v1Memory != null) {
                        Path d = Files.createDirectories(v1Memory.resolve(sandboxId));
                        dirs.add(d);
                        Files.writeString(d.resolve("memory.limit_in_bytes"), "" + limits.memoryBytes());
                        write(d.resolve("memory.memsw.limit_in_bytes"), "" + limits.memoryBytes());
                        procs.add(d.resolve("cgroup.procs"));
                        memory = true;
                    }
                    if (v1Pids != null) {
                        Path d = Files.createDirectories(v1Pids.resolve(sandboxId));
                        dirs.add(d);
                        Files.writeString(d.resolve("pids.max"), "" + limits.pids());
                        procs.add(d.resolve("cgroup.procs"));
                        pids = true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "sandbox {}: could not set up its cgroup ({}); memory and process count fall back to rlimits",
                        sandboxId,
                        e.toString());
                dirs.forEach(Cgroups::remove);
                procs.clear();
                dirs.clear();
                memory = false;
                pids = false;
            }
            List<String> prlimit = new ArrayList<>(List.of("prlimit", "--fsize=" + limits.fileSizeBytes()));
            if (!memory) {
                prlimit.add("--as=" + limits.memoryBytes());
            }
            if (!pids) {
                prlimit.add("--nproc=" + limits.pids());
            }
            return new Applied(List.copyOf(procs), List.copyOf(prlimit), List.copyOf(dirs));
        }

        /** Removes the cgroups of a sandbox once its processes are gone (bounded retries). */
        static void release(Applied applied) {
            for (Path d : applied.dirs()) {
                remove(d);
            }
        }

        /** Removes this server's parent cgroups. */
        void close() {
            for (Path p : new Path[] {v2, v1Memory, v1Pids}) {
                if (p != null) {
                    remove(p);
                }
            }
        }

        private static void write(Path file, String value) {
            try {
                if (Files.exists(file)) {
                    Files.writeString(file, value);
                }
            } catch (IOException e) {
                LOG.debug("{}: {}", file, e.toString());
            }
        }

        private static void remove(Path dir) {
            // a cgroup folder is removed with rmdir only, and only once its processes have exited
            for (int i = 0; i < 50 && Files.isDirectory(dir); i++) {
                try {
                    Files.delete(dir);
                    return;
                } catch (IOException e) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Cgroups[v2=%s, memory=%s, pids=%s]", v2, v1Memory, v1Pids);
        }
    }
}
