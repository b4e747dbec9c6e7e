package io.opensandbox.commands.internal;

import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Json;
import io.opensandbox.api.internal.stream.BodyReader;
import io.opensandbox.api.internal.stream.Lines;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.commands.Metrics;
import io.opensandbox.commands.MetricsListener;
import io.opensandbox.commands.MetricsWatch;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /metrics/watch}: newline-delimited JSON samples until closed. */
public final class MetricsWatchCall implements BodyReader.Consumer, MetricsWatch {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsWatchCall.class);
    private static final String WHAT = "GET /metrics/watch";

    private final MetricsListener listener;
    private final Lines splitter = new Lines(1024 * 1024, "a metrics line");
    private final BodyReader reader = new BodyReader(2, 1);
    private final Executor executor;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private volatile boolean closed;
    private @Nullable RuntimeException failure;
    private @Nullable Runnable onClose;

    /**
     * Creates the watch.
     *
     * @param executor the listener executor
     * @param listener the listener
     */
    public MetricsWatchCall(Executor executor, MetricsListener listener) {
        this.executor = executor;
        this.listener = listener;
    }

    /**
     * Reads the response's body, calling the listener on the executor.
     *
     * @param response the open response
     */
    public void subscribeTo(TransportResponse response) {
        reader.subscribeTo(response);
        reader.drainOn(executor, this);
    }

    /**
     * Ends the watch with a failure, from any thread (the request failed, or the lease was closed).
     *
     * @param failure the failure
     */
    public void fail(Throwable failure) {
        reader.drainOn(executor, this);
        reader.fail(failure);
    }

    /**
     * Whether the stream is over.
     *
     * @return whether it is over
     */
    public boolean isFinished() {
        return reader.isFinished();
    }

    /**
     * Sets what closing does besides cancelling the body (cancelling the pending request).
     *
     * @param onClose the action
     */
    public void onClose(Runnable onClose) {
        this.onClose = onClose;
    }

    @Override
    public CompletableFuture<Void> completion() {
        return completion;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reader.cancel();
        Runnable action = onClose;
        if (action != null) {
            action.run();
        }
        completion.complete(null);
    }

    @Override
    public boolean onBuffer(ByteBuffer buffer) {
        try {
            splitter.feedText(buffer, this::line);
        } catch (IllegalStateException e) {
            failure = new StreamBrokenException(WHAT + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure != null) {
            reader.cancel();
            completed();
            return true;
        }
        return false;
    }

    private void line(String line) {
        if (failure != null || closed) {
            return;
        }
        String text = line.strip();
        if (text.startsWith("data:")) {
            text = text.substring(5).strip();
        }
        if (text.isEmpty() || !text.startsWith("{")) {
            return;
        }
        Wire.MetricsResponse sample;
        try {
            sample = Json.read(text.getBytes(StandardCharsets.UTF_8), Wire.MetricsResponse.class);
        } catch (SandboxException e) {
            LOG.debug("skipping an unreadable metrics line: {}", e.getMessage());
            return;
        }
        if (sample.error() != null) {
            listener.onSampleError(sample.error());
            return;
        }
        listener.onMetrics(toMetrics(sample));
    }

    /**
     * Converts a wire sample.
     *
     * @param sample the sample
     * @return the metrics
     */
    public static Metrics toMetrics(Wire.MetricsResponse sample) {
        return Metrics.of(
                value(sample.cpuCount()),
                value(sample.cpuUsedPct()),
                value(sample.memTotalMib()),
                value(sample.memUsedMib()),
                sample.timestamp() == null ? Instant.now() : Instant.ofEpochMilli(sample.timestamp()));
    }

    private static double value(@Nullable Double value) {
        return value == null ? 0 : value;
    }

    private void completed() {
        RuntimeException error = failure;
        if (error != null && !closed) {
            closed = true;
            if (error instanceof SandboxException sandboxException) {
                notifyFailure(sandboxException);
            }
            completion.completeExceptionally(error);
        }
    }

    @Override
    public void onEnd(@Nullable Throwable cause) {
        if (closed) {
            completion.complete(null);
            return;
        }
        closed = true;
        SandboxException error = map(cause);
        notifyFailure(error);
        completion.completeExceptionally(error);
    }

    private void notifyFailure(SandboxException error) {
        try {
            listener.onFailure(error);
        } catch (RuntimeException e) {
            LOG.warn("a metrics listener threw from onFailure", e);
        }
    }

    private static SandboxException map(@Nullable Throwable failure) {
        if (failure == null) {
            return new StreamBrokenException(WHAT + ": the server ended the metrics stream; watch again", null);
        }
        Throwable cause = ErrorMapper.unwrap(failure);
        if (cause instanceof SandboxException sandboxException) {
            return sandboxException;
        }
        if (cause instanceof SocketTimeoutException) {
            return new SandboxTimeoutException(WHAT + ": no sample for longer than the stream idle timeout", cause);
        }
        if (cause instanceof IOException) {
            return new StreamBrokenException(WHAT + ": the metrics stream broke (" + cause + ")", cause);
        }
        return ErrorMapper.fromFailure(cause, WHAT);
    }
}
