package io.opensandbox.commands;

import java.time.Instant;
import java.util.Objects;

/**
 * One line (or chunk) a command wrote to stdout or stderr.
 *
 * @param text the text, without the trailing newline for shell commands
 * @param timestamp when the server saw it; when the server omitted it, when the SDK received it
 * @param isError {@code true} for stderr, {@code false} for stdout
 */
public record OutputMessage(String text, Instant timestamp, boolean isError) {

    /**
     * Checks the components.
     *
     * @param text the text
     * @param timestamp the time
     * @param isError whether it came from stderr
     */
    public OutputMessage {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
