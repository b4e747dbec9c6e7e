package io.opensandbox.files.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A download body's buffers, handed from the transport's thread to the reading thread with few thread wake-ups:
 * demand is asked for in batches (half the window at a time, not one buffer per buffer taken), and a waiting reader
 * is woken once {@link #WAKE_BYTES} are queued, the transport has nothing more to send until asked, or the body
 * ended — not for every buffer. A waiting reader also looks at the queue every {@link #POLL_NANOS}, so a body that
 * trickles in is never held back longer than that. Read-ahead is bounded by the window (buffers requested and not
 * yet taken).
 */
public final class BodyBuffers implements Flow.Subscriber<ByteBuffer> {
    /** Buffers requested ahead of the reader. */
    public static final int WINDOW = 128;

    static final long WAKE_BYTES = 1024 * 1024;
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final int window;
    private final int batch;
    private final @Nullable Duration idleTimeout;
    private Flow.@Nullable Subscription subscription;
    private long queuedBytes;
    private long outstanding;
    private int taken;
    private boolean waiting;
    private boolean complete;
    private boolean closed;
    private @Nullable Throwable failure;

    /**
     * Creates the reader side.
     *
     * @param window the buffers to request ahead, at least 2
     * @param idleTimeout how long a read waits for data before failing, or {@code null} for ever
     */
    public BodyBuffers(int window, @Nullable Duration idleTimeout) {
        if (window < 2) {
            throw new IllegalArgumentException("window must be at least 2");
        }
        this.window = window;
        this.batch = window / 2;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Subscribes to a body.
     *
     * @param body the body
     * @param idleTimeout how long a read waits for data, or {@code null}
     * @return the subscribed reader side
     */
    public static BodyBuffers subscribe(Flow.Publisher<ByteBuffer> body, @Nullable Duration idleTimeout) {
        BodyBuffers buffers = new BodyBuffers(WINDOW, idleTimeout);
        body.subscribe(buffers);
        return buffers;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean cancel;
        lock.lock();
        try {
            cancel = closed || this.subscription != null;
            if (!cancel) {
                this.subscription = subscription;
                outstanding = window;
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
            if (closed) {
                return;
            }
            queue.add(buffer);
            queuedBytes += buffer.remaining();
            outstanding--;
            if (waiting && (queuedBytes >= WAKE_BYTES || outstanding <= 0)) {
                changed.signal();
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
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onComplete() {
        lock.lock();
        try {
            complete = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next buffer, owned by the caller; waits for one.
     *
     * @return the buffer, or {@code null} at the end of the body
     * @throws IOException if the body failed, the stream was closed, or no data came for the idle timeout
     *     ({@link SocketTimeoutException})
     */
    public @Nullable ByteBuffer readBuffer() throws IOException {
        ByteBuffer next;
        Flow.Subscription toRequest = null;
        int more = 0;
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
                    return null;
                }
                long wait = POLL_NANOS;
                if (idleTimeout != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        cancelLocked();
                        throw new SocketTimeoutException("no data for " + idleTimeout.toMillis() + " ms");
                    }
                    wait = Math.min(wait, left);
                }
                waiting = true;
                try {
                    changed.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelLocked();
                    throw new InterruptedIOException("interrupted while waiting for data");
                } finally {
                    waiting = false;
                }
            }
            next = queue.poll();
            queuedBytes -= next.remaining();
            if (++taken >= batch && !complete) {
                more = taken;
                taken = 0;
                outstanding += more;
                toRequest = subscription;
            }
        } finally {
            lock.unlock();
        }
        if (toRequest != null) {
            toRequest.request(more);
        }
        return next;
    }

    private void cancelLocked() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * The bytes queued and not yet taken.
     *
     * @return the count
     */
    public long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading: cancels the body unless it was read to its end. Wakes a waiting reader. */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (complete && queue.isEmpty()) {
                closed = true;
            } else {
                cancelLocked();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
