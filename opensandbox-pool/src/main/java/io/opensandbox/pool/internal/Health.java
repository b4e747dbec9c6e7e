package io.opensandbox.pool.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Consecutive create failures, the degraded flag and the backoff that follows it. Thread-safe.
 *
 * <p>After {@code threshold} failures in a row the pool is degraded and replenish waits {@code initialBackoff},
 * doubling with every further failure up to {@code maxBackoff}; one success clears it all.
 */
public final class Health {
    private final int threshold;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private int failures;
    private int backoffs;
    private long backoffUntilNanos;
    private boolean degraded;
    private @Nullable String lastError;

    /**
     * Creates the state.
     *
     * @param threshold failures in a row that make the pool degraded, at least 1
     * @param initialBackoff the first wait
     * @param maxBackoff the longest wait
     */
    public Health(int threshold, Duration initialBackoff, Duration maxBackoff) {
        this.threshold = threshold;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** A create succeeded. */
    public synchronized void success() {
        failures = 0;
        backoffs = 0;
        degraded = false;
        lastError = null;
    }

    /**
     * A create failed.
     *
     * @param error its message
     * @param nowNanos {@link System#nanoTime()}
     */
    public synchronized void failure(@Nullable String error, long nowNanos) {
        failures++;
        lastError = error;
        if (failures >= threshold) {
            degraded = true;
            long wait = initialBackoff.toNanos();
            for (int i = 0; i < backoffs && wait < maxBackoff.toNanos(); i++) {
                wait *= 2;
            }
            backoffs++;
            backoffUntilNanos = nowNanos + Math.min(wait, maxBackoff.toNanos());
        }
    }

    /**
     * Records a failure of the store, which neither counts toward degradation nor starts a backoff.
     *
     * @param error its message
     */
    public synchronized void storeFailure(@Nullable String error) {
        lastError = error;
    }

    /**
     * Whether replenish must wait.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return whether a backoff is running
     */
    public synchronized boolean backoffActive(long nowNanos) {
        return degraded && nowNanos - backoffUntilNanos < 0;
    }

    /**
     * Whether the pool is degraded.
     *
     * @return the flag
     */
    public synchronized boolean degraded() {
        return degraded;
    }

    /**
     * Failures in a row.
     *
     * @return the count
     */
    public synchronized int failures() {
        return failures;
    }

    /**
     * The last failure's message.
     *
     * @return the message, or {@code null}
     */
    public synchronized @Nullable String lastError() {
        return lastError;
    }
}
