package io.opensandbox.commands;

import java.util.concurrent.CompletableFuture;

/** A running {@link Commands#watchMetrics} stream. Close it to stop watching; closing is idempotent. */
public interface MetricsWatch extends AutoCloseable {

    /**
     * Completes normally when the watch was closed, exceptionally with a
     * {@link io.opensandbox.api.SandboxException} when it failed (after {@link MetricsListener#onFailure} returned).
     *
     * @return the completion
     */
    CompletableFuture<Void> completion();

    /** Stops watching and closes the connection. */
    @Override
    void close();
}
