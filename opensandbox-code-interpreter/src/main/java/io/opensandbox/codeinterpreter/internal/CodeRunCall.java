package io.opensandbox.codeinterpreter.internal;

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
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One {@code POST /code} run on the shared stream runtime: the {@link BodyReader} hands the body over, the
 * {@link EventDecoder} cuts it into events, a {@link CodeEventMapper} applies them (calling the handlers) and
 * {@link #result()} completes at the run's terminal event, the body then being cancelled instead of read until execd
 * closes it. Owns no thread, queue or timer.
 *
 * <p>Outcomes: the execution (a kernel error included, also when the stream ends after the error without its
 * completion); a {@link SandboxException} for an error object execd appended to the stream, a stream that ended or
 * broke before the outcome was known ({@link StreamBrokenException}), an idle stream
 * ({@link SandboxTimeoutException}), or a failure given to {@link #fail}; a handler's own exception as it is.
 */
public final class CodeRunCall implements BodyReader.Consumer, EventDecoder.Sink {
    /** The longest event line accepted: a result can carry a large image. */
    public static final int MAX_LINE = 64 * 1024 * 1024;

    private final CodeEventMapper mapper;
    private final String what;
    private final Duration idleTimeout;
    private final EventDecoder decoder = new EventDecoder(MAX_LINE, false);
    private final BodyReader reader = BodyReader.events();
    private final CompletableFuture<CodeExecution> result = new CompletableFuture<>();
    private volatile @Nullable String requestId;
    private @Nullable RuntimeException handlerFailure;

    /**
     * Creates the call.
     *
     * @param handlers the handlers
     * @param skipAccumulation whether output is only passed to the handlers
     * @param idleTimeout the idle timeout, for messages
     * @param what a description for messages ({@code POST /code})
     */
    public CodeRunCall(CodeExecutionHandlers handlers, boolean skipAccumulation, Duration idleTimeout, String what) {
        this.mapper = new CodeEventMapper(handlers, skipAccumulation);
        this.idleTimeout = idleTimeout;
        this.what = what;
    }

    /**
     * The outcome.
     *
     * @return the future
     */
    public CompletableFuture<CodeExecution> result() {
        return result;
    }

    /**
     * The id of the context the code runs in, once execd's {@code init} event arrived; safe from any thread.
     *
     * @return the id, or {@code null}
     */
    public @Nullable String contextId() {
        return mapper.contextId();
    }

    /**
     * Whether a handler threw (the run was then given up by the caller's code, not by the server).
     *
     * @return whether a handler failed
     */
    public boolean handlerFailed() {
        return handlerFailure != null;
    }

    /**
     * Reads a response's body.
     *
     * @param response the open response
     */
    public void subscribeTo(TransportResponse response) {
        requestId = ErrorMapper.header(response.headers(), ErrorMapper.REQUEST_ID);
        reader.subscribeTo(response);
    }

    /**
     * Decodes on the calling thread until the run is over.
     *
     * @throws InterruptedException if the thread was interrupted; the caller should {@link #cancel()}
     */
    public void drainHere() throws InterruptedException {
        reader.drainHere(this);
    }

    /**
     * Decodes as tasks on an executor, one at a time and in order.
     *
     * @param executor the handler executor
     */
    public void drainOn(Executor executor) {
        reader.drainOn(executor, this);
    }

    /**
     * Ends the run with a failure, from any thread (the request failed, its time ran out, the lease was closed).
     *
     * @param failure the failure
     */
    public void fail(Throwable failure) {
        reader.fail(failure);
        // before a body was subscribed the reader has no consumer to tell: complete the result here too
        result.completeExceptionally(mapFailure(failure));
    }

    /** Stops reading; idempotent, from any thread. */
    public void cancel() {
        reader.cancel();
    }

    /**
     * Whether the stream is over for this call.
     *
     * @return whether it is over
     */
    public boolean isFinished() {
        return reader.isFinished() || result.isDone();
    }

    @Override
    public boolean onBuffer(ByteBuffer buffer) {
        boolean complete;
        try {
            complete = decoder.feed(buffer, this);
        } catch (IllegalStateException e) {
            result.completeExceptionally(new SandboxException(
                    new SandboxError(SandboxError.UNEXPECTED_RESPONSE, what + ": " + e.getMessage()), requestId, e));
            complete = true;
        }
        if (complete) {
            reader.cancel(); // the terminal event: stop now instead of waiting for execd to close the connection
            completed();
        }
        return complete;
    }

    @Override
    public boolean onEvent(WireEvent event) {
        if (result.isDone()) {
            return true;
        }
        try {
            return mapper.apply(event);
        } catch (RuntimeException e) {
            handlerFailure = e;
            return true;
        }
    }

    private void completed() {
        RuntimeException failure = handlerFailure;
        SandboxError server = mapper.serverError();
        if (failure != null) {
            result.completeExceptionally(failure);
        } else if (server != null) {
            result.completeExceptionally(new SandboxException(
                    new SandboxError(
                            server.code(),
                            what + contextText() + " failed inside its stream: " + server.message()
                                    + (server.message().contains("busy")
                                            ? " (the context is running other code: wait for it, interrupt it, or"
                                                    + " use another context)"
                                            : "")),
                    requestId,
                    null));
        } else {
            result.complete(mapper.execution());
        }
    }

    @Override
    public void onEnd(@Nullable Throwable failure) {
        if (failure == null) {
            try {
                if (decoder.finish(this) || mapper.hasKernelError()) {
                    completed();
                    return;
                }
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        result.completeExceptionally(failure == null ? ended() : mapFailure(failure));
    }

    private String contextText() {
        String id = mapper.contextId();
        return id == null ? "" : " (context " + id + ")";
    }

    private SandboxException ended() {
        long events = decoder.events();
        if (events == 0) {
            return new StreamBrokenException(
                    what + " returned a successful status but the stream ended without any event"
                            + (decoder.skipped() > 0 ? " (" + decoder.skipped() + " unreadable lines)" : "")
                            + "; whether the code ran is unknown. Check the context before running it again.",
                    null);
        }
        return new StreamBrokenException(
                what + contextText() + ": the stream ended after " + events
                        + " events without execution_complete; the output received so far was real. The code may"
                        + " still be running: interrupt the context before running more in it.",
                null);
    }

    private SandboxException mapFailure(Throwable failure) {
        Throwable cause = ErrorMapper.unwrap(failure);
        if (cause instanceof SandboxException sandboxException) {
            return sandboxException;
        }
        long events = decoder.events();
        if (cause instanceof SocketTimeoutException) {
            return new SandboxTimeoutException(
                    what + contextText() + ": no event for longer than the idle timeout ("
                            + Durations.toMillisSaturated(idleTimeout) + " ms) after " + events
                            + " events; execd pings every 3 s, so the connection is stuck. Raise"
                            + " RunCodeOptions.idleTimeout or ConnectionConfig.streamIdleTimeout if needed.",
                    cause);
        }
        if (cause instanceof IOException) {
            return new StreamBrokenException(
                    what + contextText() + ": the stream broke after " + events + " events (" + cause
                            + "); the output received so far was real.",
                    cause);
        }
        return ErrorMapper.fromFailure(cause, what);
    }
}
