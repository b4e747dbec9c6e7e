package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;
import io.opensandbox.api.internal.stream.BodyReader;
import java.io.IOException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Feeds a connection's output to the SDK's one stream queue, a {@link BodyReader} read by an {@link
 * java.io.InputStream}: the reader's demand is the connection's, so at most {@link #WINDOW} pieces wait in memory
 * and a reader that stops reading stops the connection.
 */
final class StreamSink implements TerminalConnection.Sink, Flow.Subscription {
    /** The most output pieces (each at most 32 KiB from execd, 1 MiB for a replay) queued ahead of the reader. */
    static final int WINDOW = 16;

    private final BodyReader reader = new BodyReader(WINDOW, 1);
    private final AtomicLong credit = new AtomicLong();
    private volatile @Nullable TerminalConnection connection;

    StreamSink() {
        reader.onSubscribe(this);
    }

    void bind(TerminalConnection connection) {
        this.connection = connection;
        connection.resume();
    }

    BodyReader reader() {
        return reader;
    }

    // ------------------------------------------------------------------ Flow.Subscription, for the reader

    @Override
    public void request(long n) {
        credit.addAndGet(n);
        TerminalConnection current = connection;
        if (current != null) {
            current.resume();
        }
    }

    @Override
    public void cancel() {
        TerminalConnection current = connection;
        if (current != null) {
            current.close();
        }
    }

    // ------------------------------------------------------------------ Sink, for the connection

    @Override
    public void connected(PtyConnection connection) {}

    @Override
    public void output(PtyOutput output) {
        credit.decrementAndGet();
        reader.onNext(output.data());
    }

    @Override
    public void lost(long from, long to) {}

    @Override
    public void exit(int exitCode) {}

    @Override
    public void error(SandboxException error) {}

    @Override
    public void disconnected(PtyDisconnect disconnect) {
        switch (disconnect.reason()) {
            case EXITED, CLOSED -> reader.onComplete();
            default -> {
                SandboxException error = disconnect.error().orElse(null);
                reader.onError(new IOException(
                        error != null ? error.getMessage() : "pty connection ended: " + disconnect, error));
            }
        }
    }

    @Override
    public boolean wantsMore() {
        return credit.get() > 0;
    }
}
