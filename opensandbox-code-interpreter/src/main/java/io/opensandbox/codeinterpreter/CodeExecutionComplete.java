package io.opensandbox.codeinterpreter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The end of a run as execd reports it ({@code execution_complete}).
 *
 * @param executionTime how long the kernel took, as execd measured it; zero when it did not say
 * @param timestamp when the server reported it
 */
public record CodeExecutionComplete(Duration executionTime, Instant timestamp) {

    /**
     * Checks the components.
     *
     * @param executionTime the execution time
     * @param timestamp the time
     */
    public CodeExecutionComplete {
        Objects.requireNonNull(executionTime, "executionTime");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
