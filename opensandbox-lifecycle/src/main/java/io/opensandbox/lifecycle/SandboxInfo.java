package io.opensandbox.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What the lifecycle server knows of a sandbox. Immutable. Registry passwords are never included. */
public final class SandboxInfo {
    private final String id;
    private final @Nullable String image;
    private final @Nullable String snapshotId;
    private final @Nullable Platform platform;
    private final SandboxStatus status;
    private final Map<String, String> metadata;
    private final List<String> entrypoint;
    private final @Nullable Instant expiresAt;
    private final @Nullable Instant createdAt;

    SandboxInfo(
            String id,
            @Nullable String image,
            @Nullable String snapshotId,
            @Nullable Platform platform,
            SandboxStatus status,
            Map<String, String> metadata,
            List<String> entrypoint,
            @Nullable Instant expiresAt,
            @Nullable Instant createdAt) {
        this.id = id;
        this.image = image;
        this.snapshotId = snapshotId;
        this.platform = platform;
        this.status = status;
        this.metadata = Map.copyOf(metadata);
        this.entrypoint = List.copyOf(entrypoint);
        this.expiresAt = expiresAt;
        this.createdAt = createdAt;
    }

    /**
     * The sandbox id.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The image the sandbox started from (absent for snapshot restores and in create responses).
     *
     * @return the image reference
     */
    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    /**
     * The snapshot the sandbox was restored from.
     *
     * @return the snapshot id
     */
    public Optional<String> snapshotId() {
        return Optional.ofNullable(snapshotId);
    }

    /**
     * The platform, when the server reports one.
     *
     * @return the platform
     */
    public Optional<Platform> platform() {
        return Optional.ofNullable(platform);
    }

    /**
     * The status.
     *
     * @return the status
     */
    public SandboxStatus status() {
        return status;
    }

    /**
     * The sandbox's state; short for {@code status().state()}.
     *
     * @return the state
     */
    public SandboxState state() {
        return status.state();
    }

    /**
     * The metadata.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The entry process.
     *
     * @return the command and arguments
     */
    public List<String> entrypoint() {
        return entrypoint;
    }

    /**
     * When the sandbox expires; empty for sandboxes that never expire.
     *
     * @return the expiry
     */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /**
     * When the sandbox was created.
     *
     * @return the creation time, if reported
     */
    public Optional<Instant> createdAt() {
        return Optional.ofNullable(createdAt);
    }

    @Override
    public String toString() {
        return "SandboxInfo{id=" + id + ", status=" + status + (image == null ? "" : ", image=" + image)
                + (snapshotId == null ? "" : ", snapshotId=" + snapshotId) + ", metadata=" + metadata
                + ", expiresAt=" + (expiresAt == null ? "never" : expiresAt) + "}";
    }
}
