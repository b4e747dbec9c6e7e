package io.opensandbox.pool;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PoolStateStore#takeIdle} took: the sandbox to hand out, if any, and the idle sandboxes it dropped on
 * the way because they were too close to expiry but still alive (the caller kills those). Entries already expired
 * are dropped silently: the server has removed those sandboxes.
 */
public final class IdleTake {
    private static final IdleTake EMPTY = new IdleTake(null, List.of());

    private final @Nullable String sandboxId;
    private final List<String> discardedAlive;

    private IdleTake(@Nullable String sandboxId, List<String> discardedAlive) {
        this.sandboxId = sandboxId;
        this.discardedAlive = List.copyOf(discardedAlive);
    }

    /**
     * A take result.
     *
     * @param sandboxId the taken sandbox, or {@code null} when none qualified
     * @param discardedAlive the alive entries dropped for being too close to expiry
     * @return the result
     */
    public static IdleTake of(@Nullable String sandboxId, List<String> discardedAlive) {
        return sandboxId == null && discardedAlive.isEmpty() ? EMPTY : new IdleTake(sandboxId, discardedAlive);
    }

    /**
     * Nothing taken, nothing discarded.
     *
     * @return the empty result
     */
    public static IdleTake empty() {
        return EMPTY;
    }

    /**
     * The taken sandbox.
     *
     * @return its id, or empty when no idle entry qualified
     */
    public Optional<String> sandboxId() {
        return Optional.ofNullable(sandboxId);
    }

    /**
     * The alive entries dropped because their remaining time was below the minimum; kill them.
     *
     * @return their ids, oldest first
     */
    public List<String> discardedAlive() {
        return discardedAlive;
    }

    @Override
    public String toString() {
        return "IdleTake{sandboxId=" + sandboxId + ", discardedAlive=" + discardedAlive + "}";
    }
}
