package io.opensandbox.commands;

import java.util.Objects;

/**
 * An event of an execution stream as the server sent it, for {@link ExecutionHandlers#onEvent}: every event,
 * including pings and types this SDK does not know.
 *
 * @param type the event type ({@code init}, {@code stdout}, {@code ping}, ...; empty when the object had none)
 * @param json the event's JSON object, as received
 */
public record ExecutionEvent(String type, String json) {

    /**
     * Checks the components.
     *
     * @param type the event type
     * @param json the JSON text
     */
    public ExecutionEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
    }
}
