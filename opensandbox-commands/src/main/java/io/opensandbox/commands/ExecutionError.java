package io.opensandbox.commands;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How an execution failed. For a shell command that exited non-zero, {@code name} is {@code CommandExecError}
 * and {@code value} the exit code as decimal text; a failure that is not an exit code carries another value.
 *
 * @param name the error name ({@code CommandExecError}, a Python exception name, or a server error code)
 * @param value the error value (the exit code for commands) or message
 * @param traceback the trace lines, possibly empty
 * @param timestamp when the server reported it
 */
public record ExecutionError(String name, String value, List<String> traceback, Instant timestamp) {

    /**
     * Checks and copies the components.
     *
     * @param name the error name
     * @param value the error value
     * @param traceback the trace lines
     * @param timestamp the time
     */
    public ExecutionError {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        traceback = List.copyOf(traceback);
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
