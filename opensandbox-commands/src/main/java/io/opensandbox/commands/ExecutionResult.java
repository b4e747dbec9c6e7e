package io.opensandbox.commands;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A rich result of an execution (code interpreters): the value in one or more MIME types.
 *
 * @param data the representations by MIME type ({@code text}, {@code text/html}, {@code image/png}, ...); values
 *     that are not JSON strings are given as their JSON text
 * @param timestamp when the server reported it
 */
public record ExecutionResult(Map<String, String> data, Instant timestamp) {

    /**
     * Checks and copies the components.
     *
     * @param data the representations by MIME type
     * @param timestamp the time
     */
    public ExecutionResult {
        data = Map.copyOf(data);
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * The plain-text representation: {@code text}, else {@code text/plain}.
     *
     * @return the text, if the result has one
     */
    public Optional<String> text() {
        String text = data.get("text");
        return Optional.ofNullable(text != null ? text : data.get("text/plain"));
    }
}
