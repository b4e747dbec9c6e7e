package io.opensandbox.codeinterpreter;

/**
 * Receives the events of a run as they arrive, while the code is still running. Every method defaults to doing
 * nothing; override the ones you need. Handlers never run on an I/O thread and are called one event at a time, in
 * stream order; a slow handler slows the stream down instead of buffering output.
 */
public interface CodeExecutionHandlers {

    /** Handlers that do nothing. */
    CodeExecutionHandlers NONE = new CodeExecutionHandlers() {};

    /**
     * The code wrote to stdout.
     *
     * @param output the chunk
     */
    default void onStdout(CodeOutput output) {}

    /**
     * The code wrote to stderr.
     *
     * @param output the chunk
     */
    default void onStderr(CodeOutput output) {}

    /**
     * The run produced a result.
     *
     * @param result the result
     */
    default void onResult(CodeResult result) {}

    /**
     * The kernel reported a status (execd forwards {@code "error"} before an error; other kernels' states are passed
     * on as they come).
     *
     * @param status the status text
     */
    default void onStatus(String status) {}

    /**
     * The code failed (raised, exited non-zero, was interrupted). execd's completion of the run still follows.
     *
     * @param error the error
     */
    default void onError(CodeError error) {}

    /**
     * The run completed; this is its last event.
     *
     * @param complete the completion
     */
    default void onExecutionComplete(CodeExecutionComplete complete) {}
}
