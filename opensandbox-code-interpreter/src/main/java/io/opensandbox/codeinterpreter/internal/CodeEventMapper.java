package io.opensandbox.codeinterpreter.internal;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.internal.stream.WireEvent;
import io.opensandbox.codeinterpreter.CodeError;
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionComplete;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.CodeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the events of one {@code POST /code} stream into a {@link CodeExecution}, calling the handlers as each
 * event is applied. One mapper per run; not thread-safe (the stream runtime applies events one at a time, on the
 * handler thread).
 *
 * <p>The events are execd's ({@code init}, {@code stdout}, {@code stderr}, {@code status}, {@code execution_count},
 * {@code result}, {@code error}, {@code execution_complete}, {@code ping}). The run ends at {@code execution_complete},
 * which execd sends after a kernel error too ({@code status} "error", {@code error}, then {@code execution_complete}
 * once the kernel is idle again, when execd also releases the context: a next run sent before it would find the
 * context busy). An error object execd appended to the stream ({@code {"code", "message"}} without a {@code type})
 * also ends it: before a kernel error it is execd's failure of the run ({@link #serverError()}, for example a context
 * already running code), after one it only repeats that the run failed. Unknown types, unknown fields and pings are
 * ignored; a missing timestamp is the time the event was applied.
 */
public final class CodeEventMapper {
    private final CodeExecutionHandlers handlers;
    private final boolean skipAccumulation;
    private final CodeExecution.Builder execution = CodeExecution.builder();
    private volatile @Nullable String contextId;
    private boolean finished;
    private boolean kernelError;
    private @Nullable SandboxError serverError;

    /**
     * Creates a mapper for one run.
     *
     * @param handlers the handlers to call
     * @param skipAccumulation whether output is only passed to the handlers
     */
    public CodeEventMapper(CodeExecutionHandlers handlers, boolean skipAccumulation) {
        this.handlers = handlers;
        this.skipAccumulation = skipAccumulation;
    }

    /**
     * Applies one event as the stream runtime's {@link io.opensandbox.api.internal.stream.EventDecoder} decoded it
     * (parsed once there; nothing is read twice); events after the end are ignored.
     *
     * @param event the event, reused by the decoder once this returns
     * @return whether the run has ended
     */
    public boolean apply(WireEvent event) {
        if (finished) {
            return true;
        }
        Instant timestamp =
                event.timestamp() == WireEvent.ABSENT ? Instant.now() : Instant.ofEpochMilli(event.timestamp());
        String type = event.type();
        if (type == null) {
            String code = event.code();
            if (code != null) {
                if (!kernelError) {
                    serverError = new SandboxError(code, orEmpty(event.message()));
                }
                finished = true;
            }
            return finished;
        }
        switch (type) {
            case "init" -> {
                String id = orEmpty(event.text());
                if (!id.isEmpty()) {
                    contextId = id;
                    execution.contextId(id);
                }
            }
            case "stdout", "stderr" -> {
                CodeOutput output = new CodeOutput(orEmpty(event.text()), timestamp, type.equals("stderr"));
                if (!skipAccumulation) {
                    execution.addOutput(output);
                }
                if (output.isError()) {
                    handlers.onStderr(output);
                } else {
                    handlers.onStdout(output);
                }
            }
            case "status" -> handlers.onStatus(orEmpty(event.text()));
            case "execution_count" -> {
                long count = event.executionCount();
                if (count != WireEvent.ABSENT && count >= Integer.MIN_VALUE && count <= Integer.MAX_VALUE) {
                    execution.executionCount((int) count);
                }
            }
            case "result" -> {
                Map<String, String> results = event.results();
                CodeResult result = CodeResult.of(results == null ? Map.of() : results, timestamp);
                execution.addResult(result);
                handlers.onResult(result);
            }
            case "error" -> {
                String text = event.errorText();
                CodeError codeError = text != null
                        ? new CodeError("", text, List.of(), timestamp)
                        : new CodeError(
                                orEmpty(event.errorName()),
                                orEmpty(event.errorValue()),
                                List.copyOf(event.traceback()),
                                timestamp);
                execution.error(codeError);
                kernelError = true;
                handlers.onError(codeError);
            }
            case "execution_complete" -> {
                long time = event.executionTime();
                long millis = time == WireEvent.ABSENT ? 0 : Math.max(0, time);
                CodeExecutionComplete complete = new CodeExecutionComplete(Duration.ofMillis(millis), timestamp);
                execution.complete(complete);
                finished = true;
                handlers.onExecutionComplete(complete);
            }
            default -> {
                // ping and types this SDK does not know
            }
        }
        return finished;
    }

    /**
     * Whether the run has ended (a completion or an appended error object was applied).
     *
     * @return whether it ended
     */
    public boolean finished() {
        return finished;
    }

    /**
     * Whether the kernel reported an error: the run's outcome is then known, and a stream that ends without its
     * {@code execution_complete} lost nothing the caller needs.
     *
     * @return whether an {@code error} event was applied
     */
    public boolean hasKernelError() {
        return kernelError;
    }

    /**
     * execd's failure of the run, from an error object it appended to the 200 stream before any kernel error.
     *
     * @return the code and message, or {@code null}
     */
    public @Nullable SandboxError serverError() {
        return serverError;
    }

    /**
     * The id of the context the run is in, from its {@code init} event: what an interrupt of a run that is given up
     * needs while it is still running. Safe to read from any thread.
     *
     * @return the id, or {@code null} before the init event
     */
    public @Nullable String contextId() {
        return contextId;
    }

    /**
     * The execution as far as the events went.
     *
     * @return the execution
     */
    public CodeExecution execution() {
        return execution.build();
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }
}
