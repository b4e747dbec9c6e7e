package io.opensandbox.pool;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A point-in-time view of a pool for monitoring: its state, the store's idle count and target, and this node's
 * counters since the pool started. {@link SandboxPool#snapshot()} never throws: when the store cannot be reached,
 * {@link #storeAvailable()} is {@code false} and {@link #idleCount()} is the last count read.
 */
public final class PoolSnapshot {
    private final PoolState state;
    private final int idleCount;
    private final int maxIdle;
    private final boolean storeAvailable;
    private final boolean primary;
    private final int leased;
    private final int inFlight;
    private final int consecutiveFailures;
    private final boolean backoffActive;
    private final @Nullable String lastError;
    private final long acquiredFromIdle;
    private final long acquiredByDirectCreate;
    private final long created;
    private final long createFailures;
    private final long discarded;

    PoolSnapshot(
            PoolState state,
            int idleCount,
            int maxIdle,
            boolean storeAvailable,
            boolean primary,
            int leased,
            int inFlight,
            int consecutiveFailures,
            boolean backoffActive,
            @Nullable String lastError,
            long[] counters) {
        this.state = state;
        this.idleCount = idleCount;
        this.maxIdle = maxIdle;
        this.storeAvailable = storeAvailable;
        this.primary = primary;
        this.leased = leased;
        this.inFlight = inFlight;
        this.consecutiveFailures = consecutiveFailures;
        this.backoffActive = backoffActive;
        this.lastError = lastError;
        this.acquiredFromIdle = counters[0];
        this.acquiredByDirectCreate = counters[1];
        this.created = counters[2];
        this.createFailures = counters[3];
        this.discarded = counters[4];
    }

    /**
     * The pool's state.
     *
     * @return the state
     */
    public PoolState state() {
        return state;
    }

    /**
     * Idle sandboxes in the store (all nodes' together).
     *
     * @return the count
     */
    public int idleCount() {
        return idleCount;
    }

    /**
     * The idle target in force: the store's cluster-wide value, else this node's.
     *
     * @return the target
     */
    public int maxIdle() {
        return maxIdle;
    }

    /**
     * Whether the store answered this snapshot.
     *
     * @return {@code false} when it could not be reached
     */
    public boolean storeAvailable() {
        return storeAvailable;
    }

    /**
     * Whether this node held the primary lock at its last reconcile (only the primary replenishes).
     *
     * @return whether this node is primary
     */
    public boolean primary() {
        return primary;
    }

    /**
     * Sandboxes this node handed out and that were neither released nor detached yet.
     *
     * @return the count
     */
    public int leased() {
        return leased;
    }

    /**
     * Acquires running on this node now.
     *
     * @return the count
     */
    public int inFlight() {
        return inFlight;
    }

    /**
     * Creates that failed in a row (reset by a success).
     *
     * @return the count
     */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * Whether replenish is waiting out a backoff after repeated failures.
     *
     * @return whether the backoff is active
     */
    public boolean backoffActive() {
        return backoffActive;
    }

    /**
     * The message of the last create or store failure, cleared by the next success.
     *
     * @return the message
     */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Acquires served from idle sandboxes on this node.
     *
     * @return the count
     */
    public long acquiredFromIdle() {
        return acquiredFromIdle;
    }

    /**
     * Acquires served by creating a sandbox directly on this node.
     *
     * @return the count
     */
    public long acquiredByDirectCreate() {
        return acquiredByDirectCreate;
    }

    /**
     * Sandboxes this node created and put idle.
     *
     * @return the count
     */
    public long created() {
        return created;
    }

    /**
     * Warm-up creates that failed on this node.
     *
     * @return the count
     */
    public long createFailures() {
        return createFailures;
    }

    /**
     * Idle sandboxes this node dropped: dead when taken, too close to expiry, or beyond the target.
     *
     * @return the count
     */
    public long discarded() {
        return discarded;
    }

    @Override
    public String toString() {
        return "PoolSnapshot{state=" + state + ", idle=" + idleCount + "/" + maxIdle + ", storeAvailable="
                + storeAvailable + ", primary=" + primary + ", leased=" + leased + ", inFlight=" + inFlight
                + ", consecutiveFailures=" + consecutiveFailures + ", backoffActive=" + backoffActive
                + ", acquiredFromIdle=" + acquiredFromIdle + ", acquiredByDirectCreate=" + acquiredByDirectCreate
                + ", created=" + created + ", createFailures=" + createFailures + ", discarded=" + discarded + "}";
    }
}
