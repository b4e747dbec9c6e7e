package io.opensandbox.codeinterpreter.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.internal.Json;
import io.opensandbox.codeinterpreter.CodeError;
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionComplete;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.CodeResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
     * Applies one event given as JSON text; text that is not a JSON object is ignored.
     *
     * @param json the event
     * @return whether the run has ended
     */
    public boolean apply(String json) {
        JsonNode event;
        try {
            event = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return finished;
        }
        return event == null ? finished : apply(event);
    }

    /**
     * Applies one event; events after the end are ignored.
     *
     * @param event the event
     * @return whether the run has ended
     */
    public boolean apply(JsonNode event) {
        if (finished || !event.isObject()) {
            return finished;
        }
        Instant timestamp = timestamp(event);
        JsonNode type = event.get("type");
        if (type == null || !type.isTextual()) {
            if (event.hasNonNull("code")) {
                if (!kernelError) {
                    serverError = new SandboxError(text(event, "code"), text(event, "message"));
                }
                finished = true;
            }
            return finished;
        }
        switch (type.textValue()) {
            case "init" -> {
                String id = text(event, "text");
                if (!id.isEmpty()) {
                    contextId = id;
                    execution.contextId(id);
                }
            }
            case "stdout", "stderr" -> {
                CodeOutput output = new CodeOutput(
                        text(event, "text"), timestamp, type.textValue().equals("stderr"));
                if (!skipAccumulation) {
                    execution.addOutput(output);
                }
                if (output.isError()) {
                    handlers.onStderr(output);
                } else {
                    handlers.onStdout(output);
                }
            }
            case "status" -> handlers.onStatus(text(event, "text"));
            case "execution_count" -> {
                JsonNode count = event.get("execution_count");
                if (count != null && count.canConvertToInt()) {
                    execution.executionCount(count.intValue());
                }
            }
            case "result" -> {
                CodeResult result = CodeResult.of(bundle(event.get("results")), timestamp);
                execution.addResult(result);
                handlers.onResult(result);
            }
            case "error" -> {
                JsonNode error = event.path("error");
                JsonNode detail = event.get("error");
                CodeError codeError = detail != null && detail.isTextual()
                        ? new CodeError("", detail.textValue(), List.of(), timestamp)
                        : new CodeError(text(error, "ename"), text(error, "evalue"), traceback(error), timestamp);
                execution.error(codeError);
                kernelError = true;
                handlers.onError(codeError);
            }
            case "execution_complete" -> {
                JsonNode time = event.get("execution_time");
                long millis = time != null && time.canConvertToLong() ? Math.max(0, time.longValue()) : 0;
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

    private static Instant timestamp(JsonNode event) {
        JsonNode ts = event.get("timestamp");
        return ts != null && ts.isIntegralNumber() ? Instant.ofEpochMilli(ts.longValue()) : Instant.now();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static List<String> traceback(JsonNode error) {
        JsonNode lines = error.get("traceback");
        List<String> out = new ArrayList<>();
        if (lines != null && lines.isArray()) {
            for (JsonNode line : lines) {
                out.add(line.isTextual() ? line.textValue() : line.toString());
            }
        }
        return out;
    }

    /** A MIME bundle: strings as they are, other JSON values (an {@code application/json} object) as JSON text. */
    private static Map<String, String> bundle(@Nullable JsonNode results) {
        Map<String, String> data = new LinkedHashMap<>();
        if (results != null && results.isObject()) {
            for (Map.Entry<String, JsonNode> entry : results.properties()) {
                JsonNode value = entry.getValue();
                if (!value.isNull()) {
                    data.put(entry.getKey(), value.isTextual() ? value.textValue() : value.toString());
                }
            }
        }
        return data;
    }
}
