package io.opensandbox.api;

/** How an observed call ended. */
public enum CallOutcome {
    /** The call returned normally (a command that exits non-zero is still a success: its exit code is data). */
    SUCCESS,
    /** The call failed with a {@link SandboxException}. */
    FAILURE,
    /** The caller cancelled the call (a cancelled future, a closed stream, an interrupt). */
    CANCELLED
}
