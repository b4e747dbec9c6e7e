package io.opensandbox.transport.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A body publisher read as a blocking {@link InputStream}. At most {@code window} buffers are requested ahead of the
 * reader, so a slow reader slows the server instead of filling memory. Closing the stream before its end cancels
 * the subscription, which aborts the exchange.
 */
public final class PublisherInputStream extends InputStream implements Flow.Subscriber<ByteBuffer> {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final int window;
    private final @Nullable Duration idleTimeout;
    private Flow.@Nullable Subscription subscription;
    private ByteBuffer current = EMPTY;
    private boolean complete;
    private boolean closed;
    private @Nullable Throwable failure;

    /**
     * Creates the stream; subscribe it to a body publisher.
     *
     * @param window how many buffers may be requested ahead of the reader, at least 1
     * @param idleTimeout the longest wait for data in a read, or {@code null} for no limit
     */
    public PublisherInputStream(int window, @Nullable Duration idleTimeout) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1");
        }
        this.window = window;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Subscribes a new stream to a publisher.
     *
     * @param body the body
     * @param idleTimeout the longest wait for data in a read, or {@code null}
     * @return the stream
     */
    public static PublisherInputStream of(Flow.Publisher<ByteBuffer> body, @Nullable Duration idleTimeout) {
        PublisherInputStream stream = new PublisherInputStream(8, idleTimeout);
        body.subscribe(stream);
        return stream;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean cancel;
        lock.lock();
        try {
            cancel = closed || this.subscription != null;
            if (!cancel) {
                this.subscription = subscription;
            }
        } finally {
            lock.unlock();
        }
        if (cancel) {
            subscription.cancel();
        } else {
            subscription.request(window);
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        lock.lock();
        try {
            if (!closed) {
                queue.add(buffer);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        lock.lock();
        try {
            failure = throwable;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onComplete() {
        lock.lock();
        try {
            complete = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!current.hasRemaining() && !advance()) {
            return -1;
        }
        int n = Math.min(length, current.remaining());
        current.get(target, offset, n);
        return n;
    }

    /**
     * Hands the next buffer over whole, without copying: the caller owns it.
     *
     * @return the next buffer, or {@code null} at the end of the body
     * @throws IOException if the body failed, timed out or the thread was interrupted
     */
    public @Nullable ByteBuffer readBuffer() throws IOException {
        if (!current.hasRemaining() && !advance()) {
            return null;
        }
        ByteBuffer result = current;
        current = EMPTY;
        return result;
    }

    private boolean advance() throws IOException {
        Flow.Subscription toRequest;
        lock.lock();
        try {
            long deadline = idleTimeout == null ? 0 : System.nanoTime() + idleTimeout.toNanos();
            while (queue.isEmpty()) {
                if (closed) {
                    throw new IOException("stream closed");
                }
                Throwable error = failure;
                if (error != null) {
                    throw error instanceof IOException io ? io : new IOException(error.getMessage(), error);
                }
                if (complete) {
                    return false;
                }
                try {
                    if (idleTimeout == null) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            cancelLocked();
                            throw new SocketTimeoutException("no data for " + idleTimeout.toMillis() + " ms");
                        }
                        changed.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelLocked();
                    throw new InterruptedIOException("interrupted while waiting for data");
                }
            }
            current = queue.poll();
            toRequest = subscription;
        } finally {
            lock.unlock();
        }
        if (toRequest != null) {
            toRequest.request(1);
        }
        return true;
    }

    private void cancelLocked() {
        closed = true;
        queue.clear();
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return current.remaining() + (queue.isEmpty() ? 0 : queue.peek().remaining());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            boolean finished = complete && queue.isEmpty() && !current.hasRemaining();
            if (finished) {
                closed = true;
            } else {
                cancelLocked();
            }
            current = EMPTY;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
