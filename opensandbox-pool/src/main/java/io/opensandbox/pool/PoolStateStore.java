package io.opensandbox.pool;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where a pool keeps the state its nodes share: the idle sandboxes (oldest first, each with an expiry), the
 * primary lock that lets one node replenish, the cluster-wide {@code maxIdle} and the idle entry lifetime. Every
 * method takes the pool's name, so one store serves many pools.
 *
 * <p>An implementation must be thread-safe and must make {@link #takeIdle} atomic: one idle sandbox is handed to
 * one caller only, whichever node asks. {@link InMemoryPoolStateStore} serves one JVM; the Redis store of
 * {@code opensandbox-pool-redis} serves many processes, in any language. Any method may throw
 * {@link PoolStateStoreUnavailableException} when the store cannot be reached.
 */
public interface PoolStateStore {

    /**
     * Atomically takes the oldest idle sandbox whose remaining lifetime is more than {@code minRemainingTtl},
     * removing it and every older entry it passed over (those still alive are reported, to be killed).
     *
     * @param poolName the pool
     * @param minRemainingTtl zero or positive
     * @return what was taken and discarded
     */
    IdleTake takeIdle(String poolName, Duration minRemainingTtl);

    /**
     * Adds a sandbox at the end of the idle list, expiring after the pool's idle lifetime ({@link #setIdleTtl}).
     * Idempotent: a sandbox already idle and not expired is left as it is.
     *
     * @param poolName the pool
     * @param sandboxId the sandbox
     * @return whether it was added
     */
    boolean putIdle(String poolName, String sandboxId);

    /**
     * Removes a sandbox from the idle list. Idempotent.
     *
     * @param poolName the pool
     * @param sandboxId the sandbox
     */
    void removeIdle(String poolName, String sandboxId);

    /**
     * Removes every idle entry whose remaining lifetime is at most {@code minRemainingTtl}.
     *
     * @param poolName the pool
     * @param minRemainingTtl zero or positive
     * @return the removed entries that were still alive (to be killed); expired ones are not listed
     */
    List<String> reapExpiredIdle(String poolName, Duration minRemainingTtl);

    /**
     * How many sandboxes are idle.
     *
     * @param poolName the pool
     * @return the count
     */
    int idleCount(String poolName);

    /**
     * The idle entries, oldest (next to be taken) first.
     *
     * @param poolName the pool
     * @return a copy
     */
    List<IdleEntry> idleEntries(String poolName);

    /**
     * Takes the primary lock for {@code ttl} if nobody holds it, or renews it if {@code ownerId} does.
     *
     * @param poolName the pool
     * @param ownerId the node asking
     * @param ttl how long the lock lasts without renewal
     * @return whether {@code ownerId} now holds the lock
     */
    boolean tryAcquirePrimaryLock(String poolName, String ownerId, Duration ttl);

    /**
     * Extends the primary lock, only if {@code ownerId} holds it.
     *
     * @param poolName the pool
     * @param ownerId the node asking
     * @param ttl the new lifetime of the lock
     * @return whether {@code ownerId} still holds the lock
     */
    boolean renewPrimaryLock(String poolName, String ownerId, Duration ttl);

    /**
     * Releases the primary lock, only if {@code ownerId} holds it.
     *
     * @param poolName the pool
     * @param ownerId the node asking
     */
    void releasePrimaryLock(String poolName, String ownerId);

    /**
     * The cluster-wide idle target set by {@link #setMaxIdle}.
     *
     * @param poolName the pool
     * @return the target, or empty when none was set (or the store lost it)
     */
    OptionalInt maxIdle(String poolName);

    /**
     * Sets the cluster-wide idle target.
     *
     * @param poolName the pool
     * @param maxIdle zero or more
     */
    void setMaxIdle(String poolName, int maxIdle);

    /**
     * Sets how long a sandbox put idle from now on stays in the idle list.
     *
     * @param poolName the pool
     * @param idleTtl positive
     */
    void setIdleTtl(String poolName, Duration idleTtl);
}
