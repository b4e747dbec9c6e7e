package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** One sandbox: its settings, state, processes and sidecar state. Mutable state is guarded by {@code this}. */
final class SandboxRecord {
    private final String id;
    private final Path dir;
    private final Path root;
    private final Instant createdAt;
    private final @Nullable ObjectNode image;
    private final @Nullable String snapshotId;
    private final @Nullable JsonNode platform;
    private final List<String> entrypoint;
    private final Map<String, String> env;
    private final @Nullable String secureToken;
    private final String egressToken;
    private final List<SandboxFs.Mount> volumes;
    private final SandboxFs fs;
    private final Set<Process> processes = ConcurrentHashMap.newKeySet();
    private final Map<String, CommandRecord> commands = new ConcurrentHashMap<>();
    private final Map<String, BashSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, PtySession> ptySessions = new ConcurrentHashMap<>();
    private final EgressState egress;
    private final List<Path> volumesToDelete = new ArrayList<>();
    private volatile Limits limits = new Limits(Limits.DEFAULT_MEMORY, Limits.DEFAULT_PIDS, Limits.DEFAULT_FILE_SIZE);

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private @Nullable Instant expiresAt;
    private String state = "Pending";
    private String reason = "sandbox_created";
    private String message = "Sandbox is being started";
    private Instant lastTransitionAt;

    SandboxRecord(
            String id,
            Path dir,
            Instant createdAt,
            @Nullable ObjectNode image,
            @Nullable String snapshotId,
            @Nullable JsonNode platform,
            List<String> entrypoint,
            Map<String, String> env,
            Map<String, String> metadata,
            @Nullable Instant expiresAt,
            @Nullable String secureToken,
            String egressToken,
            List<SandboxFs.Mount> volumes,
            List<String> systemDirs,
            EgressState egress) {
        this.id = id;
        this.dir = dir;
        this.root = dir.resolve("fs");
        this.createdAt = createdAt;
        this.image = image;
        this.snapshotId = snapshotId;
        this.platform = platform;
        this.entrypoint = List.copyOf(entrypoint);
        this.env = Map.copyOf(env);
        this.metadata.putAll(metadata);
        this.expiresAt = expiresAt;
        this.secureToken = secureToken;
        this.egressToken = egressToken;
        this.volumes = List.copyOf(volumes);
        this.fs = new SandboxFs(root, systemDirs, volumes);
        this.egress = egress;
        this.lastTransitionAt = createdAt;
        event("Pending", "sandbox_created", "Sandbox accepted");
    }

    String id() {
        return id;
    }

    Path dir() {
        return dir;
    }

    Path root() {
        return root;
    }

    Instant createdAt() {
        return createdAt;
    }

    List<String> entrypoint() {
        return entrypoint;
    }

    Map<String, String> env() {
        return env;
    }

    @Nullable
    String secureToken() {
        return secureToken;
    }

    String egressToken() {
        return egressToken;
    }

    List<SandboxFs.Mount> volumes() {
        return volumes;
    }

    SandboxFs fs() {
        return fs;
    }

    Set<Process> processes() {
        return processes;
    }

    Map<String, CommandRecord> commands() {
        return commands;
    }

    Map<String, BashSession> sessions() {
        return sessions;
    }

    /** PTY sessions ({@code POST /pty}) by id. */
    Map<String, PtySession> ptySessions() {
        return ptySessions;
    }

    /** PVC folders to delete with the sandbox ({@code deleteOnSandboxTermination}). */
    synchronized List<Path> volumesToDelete() {
        return new ArrayList<>(volumesToDelete);
    }

    synchronized void deleteOnTermination(Path volume) {
        volumesToDelete.add(volume);
    }

    EgressState egress() {
        return egress;
    }

    synchronized String state() {
        return state;
    }

    synchronized @Nullable Instant expiresAt() {
        return expiresAt;
    }

    synchronized void expiresAt(Instant value) {
        this.expiresAt = value;
        events.add(Json.time(Instant.now()) + " Renewed expiration to " + Json.time(value));
    }

    synchronized Map<String, String> metadata() {
        return new LinkedHashMap<>(metadata);
    }

    synchronized void replaceMetadata(Map<String, String> value) {
        metadata.clear();
        metadata.putAll(value);
    }

    synchronized void transition(String newState, String newReason, String newMessage) {
        this.state = newState;
        this.reason = newReason;
        this.message = newMessage;
        this.lastTransitionAt = Instant.now();
        event(newState, newReason, newMessage);
    }

    /** Moves to {@code to} only if the current state is {@code from}. */
    synchronized boolean transition(String from, String to, String newReason, String newMessage) {
        if (!state.equals(from)) {
            return false;
        }
        transition(to, newReason, newMessage);
        return true;
    }

    synchronized void event(String eventState, String eventReason, String eventMessage) {
        if (events.size() < 10_000) {
            events.add(Json.time(Instant.now()) + " " + eventState + " (" + eventReason + "): " + eventMessage);
        }
    }

    synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    synchronized ObjectNode statusJson() {
        ObjectNode s = Json.object();
        s.put("state", state);
        s.put("reason", reason);
        s.put("message", message);
        s.put("lastTransitionAt", Json.time(lastTransitionAt));
        return s;
    }

    /** The {@code Sandbox} model (full = GET; otherwise the create response). */
    synchronized ObjectNode toJson(boolean full) {
        ObjectNode o = Json.object();
        o.put("id", id);
        if (full && image != null) {
            o.set("image", image);
        }
        if (full && snapshotId != null) {
            o.put("snapshotId", snapshotId);
        }
        o.set("status", statusJson());
        ObjectNode md = o.putObject("metadata");
        metadata.forEach(md::put);
        if (platform != null) {
            o.set("platform", platform);
        }
        if (expiresAt != null) {
            o.put("expiresAt", Json.time(expiresAt));
        }
        o.put("createdAt", Json.time(createdAt));
        var ep = o.putArray("entrypoint");
        entrypoint.forEach(ep::add);
        return o;
    }

    /** The resource limits its processes run under. */
    Limits limits() {
        return limits;
    }

    void limits(Limits value) {
        this.limits = value;
    }
}
