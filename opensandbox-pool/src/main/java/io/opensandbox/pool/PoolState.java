package io.opensandbox.pool;

/**
 * The health of a pool, as {@link PoolSnapshot#state()} reports it.
 *
 * <p>{@code HEALTHY} becomes {@code DEGRADED} after {@code degradedThreshold} consecutive failed creates; while
 * degraded the pool waits out a growing backoff before it tries again, and one successful create makes it
 * {@code HEALTHY} again. {@link SandboxPool#close()} moves it to {@code DRAINING}, then {@code STOPPED}.
 */
public enum PoolState {
    /** Replenishing normally. */
    HEALTHY,
    /** Creates keep failing; replenish is backing off. Idle sandboxes are still handed out. */
    DEGRADED,
    /** Closing: no replenish, no new acquire; waiting for operations and leases to finish. */
    DRAINING,
    /** Closed. */
    STOPPED
}
