package io.opensandbox.commands;

import io.opensandbox.api.SandboxException;

/**
 * Receives the samples of {@link Commands#watchMetrics}. Methods run on the handler executor, one at a time, never
 * on an I/O thread.
 */
public interface MetricsListener {

    /**
     * A new sample (about one per second).
     *
     * @param metrics the sample
     */
    void onMetrics(Metrics metrics);

    /**
     * The server could not take a sample this time; the watch goes on.
     *
     * @param message the server's message
     */
    default void onSampleError(String message) {}

    /**
     * The watch failed (stream broken, idle timeout, server ended it); no more samples follow. Not called after
     * {@link MetricsWatch#close()}.
     *
     * @param failure what went wrong
     */
    default void onFailure(SandboxException failure) {}
}
