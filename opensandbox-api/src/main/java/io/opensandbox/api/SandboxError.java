package io.opensandbox.api;

import java.util.Objects;

/**
 * The error a server or the SDK reported: a machine-readable code and a human-readable message.
 *
 * <p>Server codes are kept as sent (for example {@code DOCKER::SANDBOX_NOT_FOUND} or {@code FILE_NOT_FOUND});
 * errors raised by the SDK itself use the constants of this class.
 *
 * @param code the error code, never blank
 * @param message the message, possibly empty
 */
public record SandboxError(String code, String message) {

    /** The server answered with something the SDK could not read as an error body. */
    public static final String UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE";
    /** An unexpected failure inside the SDK. */
    public static final String INTERNAL_UNKNOWN_ERROR = "INTERNAL_UNKNOWN_ERROR";
    /** A caller passed an invalid argument. */
    public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";
    /** The sandbox did not become ready in time. */
    public static final String READY_TIMEOUT = "READY_TIMEOUT";
    /** A request, connection or stream timed out. */
    public static final String TIMEOUT = "TIMEOUT";
    /** The server could not be reached or the connection broke. */
    public static final String CONNECTION_ERROR = "CONNECTION_ERROR";
    /** A stream ended before its terminal event. */
    public static final String STREAM_BROKEN = "STREAM_BROKEN";
    /** No transport could be found or chosen. */
    public static final String NO_TRANSPORT = "NO_TRANSPORT";
    /** The operation was cancelled by the caller. */
    public static final String CANCELLED = "CANCELLED";
    /** The sandbox, manager or handle the call belongs to was closed while the call was waiting or running. */
    public static final String CLOSED = "CLOSED";
    /** The transport in use lacks an optional capability the operation needs (for example WebSocket). */
    public static final String UNSUPPORTED = "UNSUPPORTED";

    /**
     * Checks the components.
     *
     * @param code the error code, never blank
     * @param message the message, possibly empty
     */
    public SandboxError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
