package io.opensandbox.commands;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The successful end of an execution.
 *
 * @param executionTime how long the command ran, as the server measured it
 * @param timestamp when the server reported completion
 */
public record ExecutionComplete(Duration executionTime, Instant timestamp) {

    /**
     * Checks the components.
     *
     * @param executionTime the execution time
     * @param timestamp the time
     */
    public ExecutionComplete {
        Objects.requireNonNull(executionTime, "executionTime");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
