package io.opensandbox.pty;

/**
 * The signals execd delivers to a session's process group. execd ignores any other name, so the SDK offers only
 * these.
 */
public enum PtySignal {
    /** Interrupt, as {@code Ctrl-C} in a terminal. */
    SIGINT,
    /** Polite termination. */
    SIGTERM,
    /** Immediate termination; cannot be caught. */
    SIGKILL,
    /** Quit with a core dump, as {@code Ctrl-\}. */
    SIGQUIT,
    /** Hang-up. */
    SIGHUP
}
