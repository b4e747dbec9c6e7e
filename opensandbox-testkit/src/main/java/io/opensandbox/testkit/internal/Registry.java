package io.opensandbox.testkit.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** All sandboxes and snapshots of a server, and the state machine that moves them. */
final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    static final long START_DELAY_MS = 80;

    /** A snapshot: a copy of a sandbox root. Mutable fields guarded by {@code this}. */
    static final class Snapshot {
        final String id;
        final String sandboxId;
        final @Nullable String name;
        final Instant createdAt = Instant.now();
        final Path dir;
        final List<String> entrypoint;
        String state = "Creating";
        String reason = "snapshot_accepted";
        String message = "Snapshot creation accepted";
        Instant lastTransitionAt = createdAt;

        Snapshot(String id, String sandboxId, @Nullable String name, Path dir, List<String> entrypoint) {
            this.id = id;
            this.sandboxId = sandboxId;
            this.name = name;
            this.dir = dir;
            this.entrypoint = entrypoint;
        }

        synchronized void transition(String s, String r, String m) {
            state = s;
            reason = r;
            message = m;
            lastTransitionAt = Instant.now();
        }
    }

    private final ServerConfig config;
    private final Launcher launcher;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final Map<String, SandboxRecord> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final Map<String, CommandRecord> entrypoints = new ConcurrentHashMap<>();

    Registry(ServerConfig config, Launcher launcher, ScheduledExecutorService scheduler, ExecutorService io) {
        this.config = config;
        this.launcher = launcher;
        this.scheduler = scheduler;
        this.io = io;
    }

    ServerConfig config() {
        return config;
    }

    Launcher launcher() {
        return launcher;
    }

    ExecutorService io() {
        return io;
    }

    Path sandboxesDir() {
        return config.rootDirectory().resolve("sandboxes");
    }

    Path snapshotsDir() {
        return config.rootDirectory().resolve("snapshots");
    }

    Path volumesDir() {
        return config.rootDirectory().resolve("volumes");
    }

    @Nullable
    SandboxRecord get(String id) {
        return sandboxes.get(id);
    }

    List<SandboxRecord> all() {
        List<SandboxRecord> list = new ArrayList<>(sandboxes.values());
        list.sort(Comparator.comparing(SandboxRecord::createdAt).thenComparing(SandboxRecord::id));
        return list;
    }

    @Nullable
    Snapshot snapshot(String id) {
        return snapshots.get(id);
    }

    List<Snapshot> allSnapshots() {
        List<Snapshot> list = new ArrayList<>(snapshots.values());
        list.sort(Comparator.comparing((Snapshot s) -> s.createdAt).thenComparing(s -> s.id));
        return list;
    }

    @Nullable
    CommandRecord entrypoint(String sandboxId) {
        return entrypoints.get(sandboxId);
    }

    /** Registers a sandbox whose root is prepared, and schedules Pending → Running. */
    void add(SandboxRecord sb) {
        sandboxes.put(sb.id(), sb);
        var unused = scheduler.schedule(() -> becomeRunning(sb), START_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    private void becomeRunning(SandboxRecord sb) {
        if (!sb.transition("Pending", "Running", "sandbox_running", "Sandbox is running")) {
            return;
        }
        if (sb.entrypoint().isEmpty()) {
            return;
        }
        StringBuilder cmd = new StringBuilder("exec");
        for (String part : sb.entrypoint()) {
            cmd.append(' ').append(BashSession.shellQuote(part));
        }
        CommandRecord rec = new CommandRecord("entrypoint", cmd.toString(), false);
        try {
            Process p = launcher.start(new Launcher.Spec(
                    sb, cmd.toString(), "/", Map.of(), null, null, sb.egress().denyByDefault()));
            p.getOutputStream().close();
            rec.process(p);
            LinePump.start(io, p.getInputStream(), "stdout", rec);
            LinePump.start(io, p.getErrorStream(), "stderr", rec);
            entrypoints.put(sb.id(), rec);
            var unused = p.onExit().thenAccept(done -> {
                rec.finish(done.exitValue(), null);
                sb.event("Running", "entrypoint_exited", "entrypoint exited with code " + done.exitValue());
            });
        } catch (IOException | ApiException | RuntimeException e) {
            sb.event("Running", "entrypoint_failed", "entrypoint could not start: " + e.getMessage());
        }
    }

    boolean pause(SandboxRecord sb) {
        if (!sb.transition("Running", "Pausing", "sandbox_pausing", "Sandbox is being paused")) {
            return false;
        }
        scheduler.execute(() -> {
            for (Process p : sb.processes()) {
                Launcher.signal(p, "STOP");
            }
            sb.transition("Pausing", "Paused", "sandbox_paused", "Sandbox processes are stopped (SIGSTOP)");
        });
        return true;
    }

    boolean resume(SandboxRecord sb) {
        if (!sb.transition("Paused", "Resuming", "sandbox_resuming", "Sandbox is being resumed")) {
            return false;
        }
        scheduler.execute(() -> {
            for (Process p : sb.processes()) {
                Launcher.signal(p, "CONT");
            }
            sb.transition("Resuming", "Running", "sandbox_running", "Sandbox processes continue (SIGCONT)");
        });
        return true;
    }

    /** Stops and removes a sandbox: kills its processes, deletes its root. */
    void terminate(SandboxRecord sb, String reason, String message) {
        synchronized (sb) {
            if (sb.state().equals("Stopping") || sb.state().equals("Terminated")) {
                return;
            }
            sb.transition("Stopping", reason, message);
        }
        for (BashSession s : sb.sessions().values()) {
            s.kill();
        }
        sb.sessions().clear();
        for (PtySession s : sb.ptySessions().values()) {
            s.close();
        }
        sb.ptySessions().clear();
        for (Process p : new ArrayList<>(sb.processes())) {
            Launcher.kill(p);
        }
        launcher.killSandbox(sb.root());
        for (Process p : new ArrayList<>(sb.processes())) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deleteTree(sb.dir());
        for (Path volume : sb.volumesToDelete()) {
            deleteTree(volume);
        }
        sb.transition("Terminated", reason, message);
        sandboxes.remove(sb.id());
        entrypoints.remove(sb.id());
    }

    void reapExpired() {
        Instant now = Instant.now();
        for (SandboxRecord sb : all()) {
            Instant exp = sb.expiresAt();
            if (exp != null && !exp.isAfter(now)) {
                LOG.info("Sandbox {} expired, terminating it", sb.id());
                try {
                    terminate(sb, "sandbox_expired", "Sandbox TTL expired");
                } catch (RuntimeException e) {
                    LOG.warn("Could not reap sandbox {}", sb.id(), e);
                }
            }
        }
    }

    Snapshot createSnapshot(SandboxRecord sb, String id, @Nullable String name) {
        Snapshot snap = new Snapshot(id, sb.id(), name, snapshotsDir().resolve(id), sb.entrypoint());
        snapshots.put(id, snap);
        var unused = scheduler.schedule(
                () -> io.execute(() -> {
                    try {
                        copyTree(sb.root(), snap.dir);
                        snap.transition("Ready", "snapshot_ready", "Snapshot is ready");
                    } catch (IOException | RuntimeException e) {
                        snap.transition("Failed", "snapshot_capture_failed", "copy failed: " + e.getMessage());
                    }
                }),
                50,
                TimeUnit.MILLISECONDS);
        return snap;
    }

    void deleteSnapshot(Snapshot snap) {
        snap.transition("Deleting", "snapshot_deleting", "Snapshot is being deleted");
        deleteTree(snap.dir);
        snapshots.remove(snap.id);
    }

    void closeAll() {
        for (SandboxRecord sb : all()) {
            try {
                terminate(sb, "server_closed", "The local server was closed");
            } catch (RuntimeException e) {
                LOG.warn("Could not terminate sandbox {}", sb.id(), e);
            }
        }
    }

    /** Copies a tree without following links (links are copied as links). */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a tree without following links; best effort. */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (IOException e) {
                        LOG.debug("could not delete {}: {}", dir, e.getMessage());
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", root, e.getMessage());
        }
    }
}
