package io.opensandbox.commands;

/**
 * Receives the events of an execution as they arrive, while the command is still running. Every method defaults to
 * doing nothing; override the ones you need.
 *
 * <p>Handlers never run on an I/O thread: for the blocking {@code run} methods they run on the calling thread, for
 * the asynchronous ones on the handler executor, one event at a time per execution and in stream order. A slow
 * handler slows the stream down (the SDK stops reading and the server waits) instead of buffering output. An
 * exception thrown by a handler aborts the execution's stream and fails the call with that exception.
 */
public interface ExecutionHandlers {

    /** Handlers that do nothing. */
    ExecutionHandlers NONE = new ExecutionHandlers() {};

    /**
     * The execution started; its id is known.
     *
     * @param init the init event
     */
    default void onInit(ExecutionInit init) {}

    /**
     * The command wrote a line to stdout.
     *
     * @param message the line
     */
    default void onStdout(OutputMessage message) {}

    /**
     * The command wrote a line to stderr.
     *
     * @param message the line
     */
    default void onStderr(OutputMessage message) {}

    /**
     * The execution produced a rich result (code interpreters).
     *
     * @param result the result
     */
    default void onResult(ExecutionResult result) {}

    /**
     * The execution failed (for a command: it exited with a non-zero code); this is the last event.
     *
     * @param error the error
     */
    default void onError(ExecutionError error) {}

    /**
     * The execution finished successfully; this is the last event.
     *
     * @param complete the completion
     */
    default void onExecutionComplete(ExecutionComplete complete) {}

    /**
     * Any event as received, before the typed method for it; also pings and unknown types. Only when this method
     * is overridden does the SDK keep each event's JSON text.
     *
     * @param event the event
     */
    default void onEvent(ExecutionEvent event) {}
}
