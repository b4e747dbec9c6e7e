package io.opensandbox.pty;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.pty.internal.Frames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's state machine: decodes execd's frames, keeps the output offset, passes demand on only when the
 * consumer wants more, and tells the consumer why the connection ended. Its {@link WebSocketListener} methods are
 * called one at a time (by the SDK's WebSocket runtime, on handler threads); its sending methods from any thread.
 */
final class TerminalConnection implements PtyConnection, WebSocketListener {
    private static final Logger LOG = LoggerFactory.getLogger(TerminalConnection.class);

    /** The longest text message accepted; execd's are well under a kilobyte. */
    static final int MAX_TEXT = 64 * 1024;

    /** How long {@link #close()} waits for execd to answer the close frame. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private static final Set<String> FATAL_CODES = Set.of("START_FAILED", "STDIN_WRITE_FAILED", "ALREADY_CONNECTED");

    /** Where decoded events go, and whether more may be read now. */
    interface Sink {
        void connected(PtyConnection connection);

        void output(PtyOutput output);

        void lost(long from, long to);

        void exit(int exitCode);

        void error(SandboxException error);

        void disconnected(PtyDisconnect disconnect);

        /** Whether the next message may be read now; when not, the sink calls {@link #resume()} later. */
        boolean wantsMore();
    }

    private final String sessionId;
    private final Sink sink;
    private final int cols;
    private final int rows;
    private final Frames.BinaryDecoder decoder = new Frames.BinaryDecoder();
    private final StringBuilder text = new StringBuilder();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<PtyConnection> connected = new CompletableFuture<>();
    private final CompletableFuture<PtyDisconnect> disconnected = new CompletableFuture<>();
    private final Frames.OutputSink outputSink = new OutputSink();

    private volatile @Nullable WebSocketSession ws;
    private volatile long offset;
    private volatile PtyMode mode;
    private volatile @Nullable Thread callbackThread;
    private long skip; // replayed bytes already delivered on an earlier connection
    private volatile @Nullable Integer exitCode;
    private volatile @Nullable SandboxException fatal;
    private final AtomicBoolean finished = new AtomicBoolean();

    TerminalConnection(String sessionId, PtyMode requestedMode, AttachOptions options, Sink sink) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.mode = requestedMode;
        this.offset = options.since();
        this.cols = options.cols();
        this.rows = options.rows();
    }

    /** Completed when execd sent {@code connected}; failed when the connection ended before. */
    CompletableFuture<PtyConnection> connectedFuture() {
        return connected;
    }

    /** The consumer wants more again: asks for the next message if reading had stopped. */
    void resume() {
        WebSocketSession session = ws;
        if (session != null && sink.wantsMore() && stalled.compareAndSet(true, false)) {
            session.request(1);
        }
    }

    private void afterMessage() {
        stalled.set(true);
        resume();
    }

    // ------------------------------------------------------------------------------------ WebSocketListener

    @Override
    public void onOpen(WebSocketSession session) {
        ws = session;
    }

    @Override
    public void onText(CharSequence data, boolean last) {
        callbackThread = Thread.currentThread();
        try {
            if (text.length() + data.length() > MAX_TEXT) {
                text.setLength(0);
                fatal = new StreamBrokenException(
                        "pty session " + sessionId + " sent a text message over " + MAX_TEXT + " characters", null);
                WebSocketSession session = ws;
                if (session != null) {
                    session.abort();
                }
                finish(1009, "message too big", null);
                return;
            }
            text.append(data);
            if (last) {
                Frames.ServerFrame frame = Frames.decode(text);
                text.setLength(0);
                if (frame == null) {
                    LOG.debug("pty session {}: ignoring a text frame that is not a JSON frame", sessionId);
                } else {
                    handle(frame);
                }
            }
            afterMessage();
        } finally {
            callbackThread = null;
        }
    }

    private void handle(Frames.ServerFrame frame) {
        switch (frame.type()) {
            case "connected" -> {
                String wireMode = frame.mode();
                if (wireMode != null) {
                    mode = PtyMode.fromWire(wireMode);
                }
                if (cols > 0) {
                    send(Frames.resize(cols, rows), "resize");
                }
                sink.connected(this);
                connected.complete(this);
            }
            case "exit" -> {
                if (frame.exitCode().isPresent()) {
                    int code = frame.exitCode().getAsInt();
                    exitCode = code;
                    sink.exit(code);
                }
            }
            case "error" -> {
                String reported = frame.code();
                String code = reported == null ? SandboxError.INTERNAL_UNKNOWN_ERROR : reported;
                String text = frame.error();
                String message = "pty session " + sessionId + ": " + (text == null ? "execd reported " + code : text);
                SandboxException error = "ALREADY_CONNECTED".equals(code)
                        ? new ConflictException(409, new SandboxError(code, message), null)
                        : new SandboxException(new SandboxError(code, message), null, null);
                if (FATAL_CODES.contains(code)) {
                    fatal = error;
                }
                sink.error(error);
            }
            default -> {
                // pong, and frame types of newer execd versions
            }
        }
    }

    @Override
    public void onBinary(ByteBuffer data, boolean last) {
        callbackThread = Thread.currentThread();
        try {
            decoder.feed(data, last, outputSink);
            afterMessage();
        } finally {
            callbackThread = null;
        }
    }

    private final class OutputSink implements Frames.OutputSink {
        @Override
        public void replayStarts(long replayOffset) {
            long current = offset;
            if (replayOffset > current) {
                sink.lost(current, replayOffset);
                offset = replayOffset;
                skip = 0;
            } else {
                skip = current - replayOffset;
            }
        }

        @Override
        public void output(byte channel, ByteBuffer data) {
            if (channel == Frames.REPLAY && skip > 0) {
                int skipped = (int) Math.min(skip, data.remaining());
                data.position(data.position() + skipped);
                skip -= skipped;
            }
            int size = data.remaining();
            if (size == 0) {
                return;
            }
            PtyChannel kind = channel == Frames.REPLAY
                    ? PtyChannel.REPLAY
                    : channel == Frames.STDERR ? PtyChannel.STDERR : PtyChannel.STDOUT;
            long at = offset;
            sink.output(PtyOutput.of(kind, at, data));
            offset = at + size;
        }

        @Override
        public void unknownChannel(byte channel) {
            LOG.debug("pty session {}: skipping a binary frame on unknown channel {}", sessionId, channel);
        }
    }

    @Override
    public void onPing(ByteBuffer data) {
        afterMessage();
    }

    @Override
    public void onPong(ByteBuffer data) {
        afterMessage();
    }

    @Override
    public void onClose(int statusCode, String reason) {
        finish(statusCode, reason, null);
    }

    @Override
    public void onError(Throwable error) {
        finish(1006, "", error);
    }

    private void finish(int closeCode, String closeReason, @Nullable Throwable failure) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        long at = offset;
        PtyDisconnect.Reason reason;
        SandboxException error = null;
        if (closeCode == Frames.CLOSE_TAKEN_OVER) {
            reason = PtyDisconnect.Reason.TAKEN_OVER;
            error = new SandboxException(
                    new SandboxError(
                            "TAKEN_OVER",
                            "pty session " + sessionId + " was taken over by another client (close code 4001);"
                                    + " attach with takeover(true) and since(" + at + ") to take it back"),
                    null,
                    null);
        } else if (exitCode != null) {
            reason = PtyDisconnect.Reason.EXITED;
        } else if (fatal != null) {
            reason = PtyDisconnect.Reason.FAILED;
            error = fatal;
        } else if (closing.get()) {
            reason = PtyDisconnect.Reason.CLOSED;
        } else {
            reason = PtyDisconnect.Reason.DROPPED;
            String why = failure != null
                    ? ErrorMapper.fromFailure(failure, "pty session " + sessionId)
                            .getMessage()
                    : "close code " + closeCode + (closeReason.isEmpty() ? "" : " " + closeReason);
            error = new StreamBrokenException(
                    "pty session " + sessionId + ": the connection dropped (" + why + "); the shell goes on: attach"
                            + " again with since(" + at + ") to resume",
                    failure);
        }
        PtyDisconnect disconnect = new PtyDisconnect(reason, at, exitCode, closeCode, closeReason, error);
        // the listener hears of the end before a caller waiting for the attach or the end wakes up
        sink.disconnected(disconnect);
        if (!connected.isDone()) {
            connected.completeExceptionally(
                    error != null
                            ? error
                            : new StreamBrokenException(
                                    "pty session " + sessionId + " ended before execd attached it (" + reason + ")",
                                    null));
        }
        disconnected.complete(disconnect);
    }

    /**
     * Ends the connection from this side with an error: the handshake was refused, execd did not attach in time,
     * or the caller gave up waiting. The reason is {@link PtyDisconnect.Reason#FAILED}.
     */
    void abort(SandboxException error) {
        if (fatal == null) {
            fatal = error;
        }
        WebSocketSession session = ws;
        if (session != null) {
            session.abort();
        }
        finish(1006, "", null);
    }

    // ------------------------------------------------------------------------------------ PtyConnection

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public PtyMode mode() {
        return mode;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    @Override
    public void write(byte[] bytes, int from, int length) {
        Objects.checkFromIndexSize(from, length, bytes.length);
        WebSocketSession session = open("input");
        CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        int at = from;
        int end = from + length;
        do {
            int chunk = Math.min(Frames.MAX_STDIN_CHUNK, end - at);
            last = session.sendBinary(Frames.stdin(bytes, at, chunk), true);
            at += chunk;
        } while (at < end);
        Futures.await(last, "pty session " + sessionId + " input");
    }

    @Override
    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void resize(int cols, int rows) {
        Checks.size(cols, rows);
        Futures.await(open("resize").sendText(Frames.resize(cols, rows), true), "pty session " + sessionId + " resize");
    }

    @Override
    public void signal(PtySignal signal) {
        Objects.requireNonNull(signal, "signal");
        Futures.await(
                open("signal").sendText(Frames.signal(signal.name()), true), "pty session " + sessionId + " signal");
    }

    private void send(String frame, String what) {
        WebSocketSession session = ws;
        if (session != null) {
            CompletableFuture<Void> unused = session.sendText(frame, true).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.debug("pty session {}: sending {} failed", sessionId, what, failure);
                }
            });
        }
    }

    private WebSocketSession open(String what) {
        WebSocketSession session = ws;
        if (session == null || disconnected.isDone() || closing.get()) {
            throw new SandboxException(
                    new SandboxError(
                            SandboxError.CLOSED,
                            "pty session " + sessionId + ": cannot send " + what + ", the connection is "
                                    + (disconnected.isDone()
                                            ? "gone (" + disconnected.join().reason() + ")"
                                            : "closing")
                                    + "; attach again"),
                    null,
                    null);
        }
        return session;
    }

    @Override
    public boolean isOpen() {
        return ws != null && !disconnected.isDone() && !closing.get();
    }

    @Override
    public CompletableFuture<PtyDisconnect> disconnected() {
        return disconnected.thenApply(d -> d);
    }

    @Override
    public PtyDisconnect awaitDisconnect(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return disconnected.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Futures.interrupted("waiting for pty session " + sessionId + " to end", e);
        } catch (TimeoutException e) {
            throw new SandboxTimeoutException("pty session " + sessionId + " was still connected after " + timeout, e);
        } catch (ExecutionException e) {
            throw ErrorMapper.fromFailure(e, "pty session " + sessionId);
        }
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true) || disconnected.isDone()) {
            return;
        }
        WebSocketSession session = ws;
        if (session == null) {
            finish(1000, "", null);
            return;
        }
        CompletableFuture<Void> unused = session.sendClose(1000, "").exceptionally(failure -> {
            session.abort();
            finish(1006, "", null);
            return null;
        });
        if (Thread.currentThread() == callbackThread) {
            return; // closed from inside a listener call: the answer is delivered after it returns
        }
        try {
            disconnected.get(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.abort();
            finish(1006, "", null);
        } catch (TimeoutException | ExecutionException e) {
            session.abort();
            finish(1006, "", null);
        }
    }

    @Override
    public String toString() {
        return "PtyConnection[" + sessionId + ", " + mode + ", offset=" + offset + (isOpen() ? "" : ", closed") + "]";
    }
}
