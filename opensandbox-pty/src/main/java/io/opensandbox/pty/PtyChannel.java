package io.opensandbox.pty;

/** Where a piece of output came from. */
public enum PtyChannel {
    /** Live standard output (in PTY mode, everything the terminal shows). */
    STDOUT,
    /** Live standard error; pipe mode only. */
    STDERR,
    /** Output the session produced before this connection, replayed from execd's buffer on attach. */
    REPLAY
}
