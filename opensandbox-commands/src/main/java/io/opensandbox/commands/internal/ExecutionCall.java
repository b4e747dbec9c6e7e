package io.opensandbox.commands.internal;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import io.opensandbox.api.internal.Durations;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.stream.BodyReader;
import io.opensandbox.api.internal.stream.EventDecoder;
import io.opensandbox.api.internal.stream.WireEvent;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionComplete;
import io.opensandbox.commands.ExecutionError;
import io.opensandbox.commands.ExecutionEvent;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.ExecutionInit;
import io.opensandbox.commands.ExecutionResult;
import io.opensandbox.commands.OutputMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One streaming execution: decodes the body, calls the handlers, accumulates the {@link Execution} and completes
 * {@link #result()} on the terminal event ({@code execution_complete} or {@code error}), cancelling the body right
 * away instead of waiting for the server to close the connection.
 */
public final class ExecutionCall implements BodyReader.Consumer, EventDecoder.Sink {
    /** The longest event line accepted. */
    public static final int MAX_LINE = 32 * 1024 * 1024;

    private final ExecutionHandlers handlers;
    private final boolean skipAccumulation;
    private final boolean background;
    private final String what;
    private final Duration idleTimeout;
    private final boolean dispatchRaw;
    private final EventDecoder decoder;
    private final BodyReader reader = BodyReader.events();
    private final Execution.Builder execution = Execution.builder();
    private final CompletableFuture<Execution> result = new CompletableFuture<>();
    private volatile @Nullable String id;
    private @Nullable ExecutionError error;
    private @Nullable ExecutionComplete complete;
    private @Nullable RuntimeException handlerFailure;
    private @Nullable Instant lastTimestamp;
    private long lastMillis;

    /**
     * Creates the call.
     *
     * @param handlers the handlers
     * @param skipAccumulation whether to keep output out of the execution
     * @param maxRetainedOutput the most output bytes the execution keeps (RunOptions.maxRetainedOutput)
     * @param background whether the command runs detached (no exit code)
     * @param idleTimeout the idle timeout, for messages
     * @param what a description for messages ({@code POST /command})
     */
    public ExecutionCall(
            ExecutionHandlers handlers,
            boolean skipAccumulation,
            long maxRetainedOutput,
            boolean background,
            Duration idleTimeout,
            String what) {
        this.handlers = handlers;
        this.skipAccumulation = skipAccumulation;
        execution.maxRetainedOutput(maxRetainedOutput);
        this.background = background;
        this.idleTimeout = idleTimeout;
        this.what = what;
        this.dispatchRaw = overridesOnEvent(handlers);
        this.decoder = new EventDecoder(MAX_LINE, dispatchRaw);
    }

    private static boolean overridesOnEvent(ExecutionHandlers handlers) {
        try {
            return handlers.getClass()
                            .getMethod("onEvent", ExecutionEvent.class)
                            .getDeclaringClass()
                    != ExecutionHandlers.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true;
        }
    }

    /**
     * The outcome: the execution, or the failure ({@link SandboxException}, or a handler's exception).
     *
     * @return the future
     */
    public CompletableFuture<Execution> result() {
        return result;
    }

    /**
     * The execution id, once the init event arrived.
     *
     * @return the id or {@code null}
     */
    public @Nullable String id() {
        return id;
    }

    /**
     * Reads a response's body.
     *
     * @param response the open response
     */
    public void subscribeTo(TransportResponse response) {
        reader.subscribeTo(response);
    }

    /**
     * Decodes on the calling thread until the execution is over.
     *
     * @throws InterruptedException if the thread was interrupted; the caller should {@link #cancel()}
     */
    public void drainHere() throws InterruptedException {
        reader.drainHere(this);
    }

    /**
     * Decodes as tasks on an executor (one at a time, in order).
     *
     * @param executor the handler executor
     */
    public void drainOn(Executor executor) {
        reader.drainOn(executor, this);
    }

    /**
     * Ends the execution with a failure, from any thread (the request failed, or the lease was closed).
     *
     * @param failure the failure
     */
    public void fail(Throwable failure) {
        reader.fail(failure);
    }

    /** Stops reading; the result is left as it is. Idempotent; from any thread. */
    public void cancel() {
        reader.cancel();
    }

    /**
     * Whether the stream is over for this call.
     *
     * @return whether it is over
     */
    public boolean isFinished() {
        return reader.isFinished();
    }

    @Override
    public boolean onBuffer(ByteBuffer buffer) {
        boolean complete;
        try {
            complete = decoder.feed(buffer, this);
        } catch (IllegalStateException e) {
            result.completeExceptionally(new SandboxException(
                    new SandboxError(SandboxError.UNEXPECTED_RESPONSE, what + ": " + e.getMessage()), null, e));
            complete = true;
        }
        if (complete) {
            reader.cancel(); // the terminal event: stop reading now instead of waiting for the server to close
            completed();
        }
        return complete;
    }

    private void completed() {
        RuntimeException failure = handlerFailure;
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(build());
        }
    }

    @Override
    public void onEnd(@Nullable Throwable failure) {
        if (failure == null) {
            try {
                if (decoder.finish(this)) {
                    completed();
                    return;
                }
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        result.completeExceptionally(mapEnd(failure));
    }

    private SandboxException mapEnd(@Nullable Throwable failure) {
        String idText = id == null ? "" : " (execution id " + id + ")";
        long events = decoder.events();
        if (failure == null) {
            if (events == 0) {
                return new StreamBrokenException(
                        what + " returned a successful status but the stream ended without any event"
                                + (decoder.skipped() > 0 ? " (" + decoder.skipped() + " unreadable lines)" : "")
                                + "; no execution id arrived, so whether the command ran is unknown. Not"
                                + " retryable: running it again may run it twice; check the sandbox's execd first.",
                        null);
            }
            return new StreamBrokenException(
                    what + idText + ": the stream ended after " + events
                            + " events without execution_complete or error; the output received so far was real."
                            + " Check the command with getCommandStatus(id).",
                    null);
        }
        Throwable cause = ErrorMapper.unwrap(failure);
        if (cause instanceof SandboxException sandboxException) {
            return sandboxException;
        }
        if (cause instanceof SocketTimeoutException) {
            return new SandboxTimeoutException(
                    what + idText + ": no event for longer than the idle timeout ("
                            + Durations.toMillisSaturated(idleTimeout)
                            + " ms) after " + events + " events; execd pings every 3 s, so the connection is"
                            + " stuck. Raise RunOptions.idleTimeout or ConnectionConfig.streamIdleTimeout if"
                            + " needed.",
                    cause);
        }
        if (cause instanceof IOException) {
            return new StreamBrokenException(
                    what + idText + ": the stream broke after " + events + " events (" + cause + "); the output"
                            + " received so far was real. Check the command with getCommandStatus(id).",
                    cause);
        }
        return ErrorMapper.fromFailure(cause, what);
    }

    @Override
    public boolean onEvent(WireEvent event) {
        if (isFinished()) {
            // cancelled meanwhile: no more handler calls for the rest of this buffer
            return true;
        }
        try {
            return dispatch(event);
        } catch (RuntimeException e) {
            handlerFailure = e;
            return true;
        }
    }

    private boolean dispatch(WireEvent event) {
        String type = event.type();
        if (dispatchRaw) {
            String json = event.json();
            handlers.onEvent(new ExecutionEvent(type == null ? "" : type, json == null ? "" : json));
        }
        if (type == null) {
            String code = event.code();
            if (code != null) {
                String message = event.message();
                return fail(new ExecutionError(code, message == null ? "" : message, List.of(), timestamp(event)));
            }
            return false;
        }
        switch (type) {
            case "stdout", "stderr" -> {
                String text = event.text();
                OutputMessage message =
                        new OutputMessage(text == null ? "" : text, timestamp(event), type.equals("stderr"));
                if (!skipAccumulation) {
                    execution.addOutput(message);
                }
                if (message.isError()) {
                    handlers.onStderr(message);
                } else {
                    handlers.onStdout(message);
                }
                return false;
            }
            case "init" -> {
                String text = event.text();
                if (text != null) {
                    id = text;
                    execution.id(text);
                    handlers.onInit(new ExecutionInit(text, timestamp(event)));
                }
                return false;
            }
            case "result" -> {
                Map<String, String> data = event.results();
                ExecutionResult value = new ExecutionResult(data == null ? Map.of() : data, timestamp(event));
                execution.addResult(value);
                handlers.onResult(value);
                return false;
            }
            case "execution_count" -> {
                if (event.executionCount() != WireEvent.ABSENT) {
                    execution.executionCount((int) event.executionCount());
                }
                return false;
            }
            case "error" -> {
                String name = event.errorName();
                String value = event.errorValue();
                if (value == null) {
                    value = event.errorText() != null ? event.errorText() : event.text();
                }
                return fail(new ExecutionError(
                        name == null ? "" : name, value == null ? "" : value, event.traceback(), timestamp(event)));
            }
            case "execution_complete" -> {
                long millis = event.executionTime() == WireEvent.ABSENT ? 0 : Math.max(0, event.executionTime());
                ExecutionComplete done = new ExecutionComplete(Duration.ofMillis(millis), timestamp(event));
                complete = done;
                handlers.onExecutionComplete(done);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean fail(ExecutionError value) {
        error = value;
        handlers.onError(value);
        return true;
    }

    private Execution build() {
        ExecutionError failure = error;
        Integer exitCode = null;
        if (failure != null) {
            exitCode = parseExitCode(failure.value());
        } else if (complete != null && !background) {
            exitCode = 0;
        }
        return execution.error(failure).complete(complete).exitCode(exitCode).build();
    }

    private static @Nullable Integer parseExitCode(String value) {
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Instant timestamp(WireEvent event) {
        long millis = event.timestamp();
        if (millis == WireEvent.ABSENT) {
            millis = System.currentTimeMillis();
        }
        // Lines of a busy command share their millisecond; Instant is immutable, so reuse the last one.
        Instant last = lastTimestamp;
        if (last == null || millis != lastMillis) {
            last = Instant.ofEpochMilli(millis);
            lastTimestamp = last;
            lastMillis = millis;
        }
        return last;
    }
}
