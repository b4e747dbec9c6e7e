package io.opensandbox.pool;

/** What {@link SandboxPool#acquire(AcquirePolicy)} does when no usable idle sandbox is there. */
public enum AcquirePolicy {
    /** Create a sandbox directly through the lifecycle API (the default): slower, but the call succeeds. */
    DIRECT_CREATE,
    /** Throw {@link PoolEmptyException} at once. */
    FAIL_FAST
}
