package io.opensandbox.files.internal;

import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.internal.stream.ByteSource;
import io.opensandbox.files.TransferListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A download body as an {@link InputStream}: reads through the runtime's {@link ByteSource} (the
 * {@link io.opensandbox.api.internal.stream.BodyReader}'s bounded read-ahead for a body an I/O thread delivers, or
 * the connection itself on the calling thread; either way a slow reader slows the server), skips and limits bytes when a server ignored a {@code Range} header, checks the
 * length against {@code Content-Length}, reports progress and honours the transfer's time limit. Buffers are
 * handed over without copying where the caller can take them ({@link #transferTo(WritableByteChannel)}), and given
 * back once read through ({@link ByteSource#release}), so that it can fill them again.
 *
 * <p>Closing before the end aborts the exchange.
 */
public final class DownloadStream extends InputStream {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ByteSource body;
    private final Runnable closeResponse;
    private final Transfer transfer;
    private final String what;
    private final TransferListener listener;
    private final long total;
    private final long expectedBody;
    private long skip;
    private long limit;
    private long bodyRead;
    private long delivered;
    private ByteBuffer current = EMPTY;
    /** Whether {@link #current} is the transport's buffer (to give back once read through), not {@link #EMPTY}. */
    private boolean lent;

    private boolean eof;
    private volatile boolean closed;
    private byte @Nullable [] scratch;
    private volatile @Nullable Consumer<@Nullable Throwable> onEnd;
    private volatile boolean endTold;

    /**
     * Wraps a response body.
     *
     * @param body the body
     * @param closeResponse closes the response the body comes from (once the body is closed)
     * @param transfer the transfer (time limit)
     * @param what a description for messages
     * @param listener told of progress
     * @param expectedBody the body length from {@code Content-Length}, or {@code -1}
     * @param skip bytes to drop at the start (a server that ignored a range)
     * @param limit the most bytes to deliver, or {@code -1} for all
     */
    public DownloadStream(
            ByteSource body,
            Runnable closeResponse,
            Transfer transfer,
            String what,
            TransferListener listener,
            long expectedBody,
            long skip,
            long limit) {
        this.body = body;
        this.closeResponse = closeResponse;
        this.transfer = transfer;
        this.what = what;
        this.listener = listener;
        this.expectedBody = expectedBody;
        this.skip = skip;
        this.limit = limit;
        long available = expectedBody < 0 ? -1 : Math.max(0, expectedBody - skip);
        this.total = limit < 0 ? available : available < 0 ? -1 : Math.min(available, limit);
        transfer.onAbort(this::abort);
    }

    /**
     * The number of bytes this stream will deliver, when known.
     *
     * @return the total, or {@code -1}
     */
    public long total() {
        return total;
    }

    /**
     * The bytes delivered so far.
     *
     * @return the count
     */
    public long delivered() {
        return delivered;
    }

    /**
     * The next buffer of content, owned by the caller (who may give it back with {@link #release}); {@code null} at the
     * end.
     *
     * @return the buffer or {@code null}
     * @throws IOException if the body failed, was cut short or timed out
     */
    public @Nullable ByteBuffer nextBuffer() throws IOException {
        return current.hasRemaining() || fetch() ? take() : null;
    }

    /**
     * Gives a buffer from {@link #nextBuffer()} back for reuse; the caller must not touch it afterwards.
     *
     * @param buffer the buffer
     */
    public void release(ByteBuffer buffer) {
        body.release(buffer);
    }

    private ByteBuffer take() {
        ByteBuffer result = current;
        current = EMPTY;
        lent = false;
        return result;
    }

    /** Loads {@link #current} with the next deliverable bytes; false at the end. */
    private boolean fetch() throws IOException {
        if (closed) {
            throw failure(new IOException("stream closed"));
        }
        while (!current.hasRemaining()) {
            if (eof || limit == 0) {
                finishIfDone();
                return false;
            }
            if (lent) {
                body.release(current); // read through: its memory can carry the next bytes
                current = EMPTY;
                lent = false;
            }
            ByteBuffer next;
            try {
                next = body.next();
            } catch (IOException e) {
                throw failure(e);
            }
            if (next == null) {
                eof = true;
                if (expectedBody >= 0 && bodyRead != expectedBody) {
                    throw failure(new IOException(what + " ended after " + bodyRead + " of " + expectedBody
                            + " bytes; the connection was cut"));
                }
                continue;
            }
            bodyRead += next.remaining();
            if (skip > 0) {
                int drop = (int) Math.min(skip, next.remaining());
                next.position(next.position() + drop);
                skip -= drop;
            }
            if (limit >= 0 && next.remaining() > limit) {
                next.limit(next.position() + (int) limit);
            }
            if (limit >= 0) {
                limit -= next.remaining();
            }
            current = next;
            lent = true;
        }
        delivered += current.remaining();
        try {
            listener.onProgress(delivered, total);
        } catch (RuntimeException e) {
            abort();
            IOException failed = new IOException("the progress listener failed: " + e, e);
            ended(failed);
            throw failed;
        }
        return true;
    }

    /**
     * Sets who is told once when the stream ends: {@code null} at its end, the {@link IOException} it failed with,
     * or a {@link CancellationException} when it was closed before its end.
     *
     * @param onEnd the callback, run on the thread that reads or closes the stream
     */
    public void whenEnded(Consumer<@Nullable Throwable> onEnd) {
        this.onEnd = onEnd;
    }

    private void ended(@Nullable Throwable failure) {
        Consumer<@Nullable Throwable> told = onEnd;
        if (told != null && !endTold) {
            endTold = true;
            told.accept(failure);
        }
    }

    private void finishIfDone() {
        if (limit == 0 && !eof) {
            // a server that ignored the range: the rest of the body is not wanted
            eof = true;
            body.close();
            closeResponse.run();
        }
        transfer.finish();
        ended(null);
    }

    private IOException failure(IOException cause) {
        IOException result = describe(cause);
        ended(result);
        return result;
    }

    private IOException describe(IOException cause) {
        SandboxClosedException closedBy = transfer.closed();
        if (closedBy != null) {
            return new IOException(closedBy.getMessage(), closedBy);
        }
        if (transfer.timedOut()) {
            SocketTimeoutException timeout =
                    new SocketTimeoutException(transfer.timeoutException(cause).getMessage());
            timeout.initCause(cause);
            return timeout;
        }
        return cause;
    }

    @Override
    public int read() throws IOException {
        if (!current.hasRemaining() && !fetch()) {
            return -1;
        }
        return current.get() & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!current.hasRemaining() && !fetch()) {
            return -1;
        }
        int n = Math.min(length, current.remaining());
        current.get(target, offset, n);
        return n;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        long count = 0;
        for (ByteBuffer buffer = nextBuffer(); buffer != null; buffer = nextBuffer()) {
            count += writeTo(buffer, out);
        }
        return count;
    }

    /**
     * Writes a buffer from {@link #nextBuffer()} to a stream (through one reused array when the buffer has none of
     * its own, as read-only buffers do) and gives it back for reuse.
     *
     * @param buffer the buffer, released afterwards
     * @param out the stream
     * @return the number of bytes written
     * @throws IOException if the stream failed
     */
    public int writeTo(ByteBuffer buffer, OutputStream out) throws IOException {
        int n = buffer.remaining();
        if (buffer.hasArray()) {
            out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
        } else {
            byte[] copy = scratch;
            if (copy == null || copy.length < n) {
                copy = new byte[Math.max(n, 64 * 1024)];
                scratch = copy;
            }
            buffer.get(copy, 0, n);
            out.write(copy, 0, n);
        }
        release(buffer);
        return n;
    }

    /**
     * Writes the rest of the body to a channel, handing each buffer over without copying.
     *
     * @param channel the channel
     * @return the bytes written
     * @throws IOException if reading or writing failed
     */
    public long transferTo(WritableByteChannel channel) throws IOException {
        long count = 0;
        for (ByteBuffer buffer = nextBuffer(); buffer != null; buffer = nextBuffer()) {
            while (buffer.hasRemaining()) {
                count += channel.write(buffer);
            }
            release(buffer);
        }
        return count;
    }

    @Override
    public int available() {
        return current.remaining();
    }

    private void abort() {
        closed = true;
        body.close();
        closeResponse.run();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            body.close();
            closeResponse.run();
        }
        transfer.finish();
        ended(new CancellationException(what + " was closed before its end"));
    }
}
