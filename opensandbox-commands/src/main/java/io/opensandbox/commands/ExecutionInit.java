package io.opensandbox.commands;

import java.time.Instant;
import java.util.Objects;

/**
 * The first event of an execution.
 *
 * @param id the command id (for {@link Commands#interrupt}, {@link Commands#getCommandStatus} and the logs), or
 *     for a bash-session run the session id
 * @param timestamp when the server started the execution
 */
public record ExecutionInit(String id, Instant timestamp) {

    /**
     * Checks the components.
     *
     * @param id the execution id
     * @param timestamp the time
     */
    public ExecutionInit {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
