package io.opensandbox.lifecycle;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A point-in-time capture of a sandbox. Immutable. */
public final class SnapshotInfo {
    private final String id;
    private final String sandboxId;
    private final @Nullable String name;
    private final SnapshotState state;
    private final String rawState;
    private final @Nullable String reason;
    private final @Nullable String message;
    private final @Nullable Instant createdAt;

    SnapshotInfo(
            String id,
            String sandboxId,
            @Nullable String name,
            String rawState,
            @Nullable String reason,
            @Nullable String message,
            @Nullable Instant createdAt) {
        this.id = id;
        this.sandboxId = sandboxId;
        this.name = name;
        this.state = SnapshotState.fromWire(rawState);
        this.rawState = rawState;
        this.reason = reason;
        this.message = message;
        this.createdAt = createdAt;
    }

    /**
     * The snapshot id, to restore with {@code Sandbox.builder().snapshotId(id)}.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The sandbox it was taken from.
     *
     * @return the sandbox id
     */
    public String sandboxId() {
        return sandboxId;
    }

    /**
     * The name given at creation.
     *
     * @return the name
     */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /**
     * The state; {@link SnapshotState#UNKNOWN} for states this SDK does not know.
     *
     * @return the state
     */
    public SnapshotState state() {
        return state;
    }

    /**
     * The state as the server named it.
     *
     * @return the raw state
     */
    public String rawState() {
        return rawState;
    }

    /**
     * A machine-readable reason ({@code snapshot_accepted}, {@code snapshot_ready}, ...).
     *
     * @return the reason
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * A human-readable message, for example why capture failed.
     *
     * @return the message
     */
    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    /**
     * When the snapshot was created.
     *
     * @return the time
     */
    public Optional<Instant> createdAt() {
        return Optional.ofNullable(createdAt);
    }

    @Override
    public String toString() {
        return "SnapshotInfo{id=" + id + ", sandboxId=" + sandboxId + ", state=" + rawState
                + (name == null ? "" : ", name=" + name) + (message == null ? "" : ", message=" + message) + "}";
    }
}
