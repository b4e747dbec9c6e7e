package io.opensandbox.pty;

import java.util.Locale;

/** How a session's shell is connected: to a pseudo-terminal, or to plain pipes. */
public enum PtyMode {
    /** A pseudo-terminal: colours, {@code stty}, resize and line editing work; stderr is merged into stdout. */
    PTY,
    /** Plain pipes: no terminal, stdout and stderr arrive apart. */
    PIPE,
    /** A mode execd reported that this SDK does not know. */
    UNKNOWN;

    /**
     * The mode execd names in its {@code connected} frame.
     *
     * @param wire {@code pty} or {@code pipe}
     * @return the mode, {@link #UNKNOWN} for anything else
     */
    static PtyMode fromWire(String wire) {
        return switch (wire.toLowerCase(Locale.ROOT)) {
            case "pty" -> PTY;
            case "pipe" -> PIPE;
            default -> UNKNOWN;
        };
    }
}
