package io.opensandbox.api.internal.stream;

import io.opensandbox.api.spi.TransportResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The one reader of streamed response bodies: the only queue between a transport's I/O thread and the code that
 * consumes a body. It owns back-pressure (at most {@code window} buffers requested and not yet consumed, more asked
 * for in batches of half the window), buffer release (every buffer goes back to the transport through
 * {@link TransportResponse#releaseBuffer} once consumed) and wake-ups (a waiting reader is woken once
 * {@code wakeBytes} are queued, the transport owes nothing more, or the body ended).
 *
 * <p>The idle timeout is not here: the transport enforces it ({@link io.opensandbox.api.spi.TransportRequest#idleTimeout()}),
 * and its {@link java.net.SocketTimeoutException} arrives as the body's failure, like any other.
 *
 * <p>Three ways to consume, one per reader:
 *
 * <ul>
 *   <li>{@link #next()}: pull, blocking the calling thread (an {@code InputStream} download);
 *   <li>{@link #drainHere(Consumer)}: push, on the calling thread until the stream is over (a blocking
 *       {@code Commands.run});
 *   <li>{@link #drainOn(Executor, Consumer)}: push, as short tasks on an executor, one at a time and in order, only
 *       while buffers are queued: no thread is held per stream (an asynchronous run, a metrics watch).
 * </ul>
 *
 * <p>{@link #fail(Throwable)} ends the stream from any thread (a closed lease, a failed request), {@link #cancel()}
 * stops it silently. Both cancel the body, which aborts the exchange.
 */
public final class BodyReader implements Flow.Subscriber<ByteBuffer>, ByteSource {
    /** Read-ahead of an event stream: a few buffers, every one handed over at once. */
    public static final int EVENT_WINDOW = 4;

    /** Read-ahead of a bulk download: many buffers, handed over once a megabyte is queued. */
    public static final int BULK_WINDOW = 128;

    static final long BULK_WAKE_BYTES = 1024 * 1024;

    /**
     * How often a reader that waits for {@code wakeBytes} looks at the queue anyway, so a body that trickles in is
     * never held back longer than this.
     */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** Consumes a body pushed by {@link #drainHere} or {@link #drainOn}. */
    public interface Consumer {
        /**
         * One buffer. Must not throw, and must not keep the buffer: once this returns it goes back to the
         * transport.
         *
         * @param buffer the buffer
         * @return {@code true} when the consumer is complete: the body is then cancelled and nothing more is pushed
         */
        boolean onBuffer(ByteBuffer buffer);

        /**
         * The body ended before the consumer was complete. Called once, never after {@code onBuffer} returned
         * {@code true} or {@link #cancel()}. Must not throw.
         *
         * @param failure why: the body's failure, the one given to {@link #fail}, or {@code null} for a normal end
         */
        void onEnd(@Nullable Throwable failure);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final int window;
    private final int batch;
    private final long wakeBytes;
    private Flow.@Nullable Subscription subscription;
    private boolean subscriptionCancelled;
    private volatile @Nullable TransportResponse source;
    private long queuedBytes;
    private long outstanding;
    private int taken;
    private boolean waiting;
    private boolean upstreamDone;
    private @Nullable Throwable failure;
    private boolean cancelled;
    private volatile boolean finished;
    private @Nullable Executor executor;
    private @Nullable Consumer consumer;

    /**
     * Creates a reader; subscribe it with {@link #subscribeTo}.
     *
     * @param window the most buffers requested ahead of the consumer, at least 1
     * @param wakeBytes how many queued bytes wake a waiting reader (1: every buffer)
     */
    public BodyReader(int window, long wakeBytes) {
        if (window < 1 || wakeBytes < 1) {
            throw new IllegalArgumentException("window and wakeBytes must be at least 1");
        }
        this.window = window;
        this.batch = Math.max(1, window / 2);
        this.wakeBytes = wakeBytes;
    }

    /**
     * A reader for an event stream: {@link #EVENT_WINDOW} buffers ahead, each handed over as it arrives.
     *
     * @return the reader
     */
    public static BodyReader events() {
        return new BodyReader(EVENT_WINDOW, 1);
    }

    /**
     * A reader for a bulk download: {@link #BULK_WINDOW} buffers ahead, handed over a megabyte at a time.
     *
     * @return the reader
     */
    public static BodyReader bulk() {
        return new BodyReader(BULK_WINDOW, BULK_WAKE_BYTES);
    }

    /**
     * Subscribes to a response's body; each consumed buffer is given back to that response.
     *
     * @param response the response
     */
    public void subscribeTo(TransportResponse response) {
        source = response;
        response.body().subscribe(this);
    }

    /**
     * Whether the stream is over for the consumer (complete, ended, failed or cancelled).
     *
     * @return whether it is over
     */
    public boolean isFinished() {
        return finished;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean refuse;
        lock.lock();
        try {
            refuse = this.subscription != null || cancelled || upstreamDone;
            if (!refuse) {
                this.subscription = subscription;
                outstanding = window;
            }
        } finally {
            lock.unlock();
        }
        if (refuse) {
            subscription.cancel();
        } else {
            subscription.request(window);
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        lock.lock();
        try {
            if (cancelled || upstreamDone) {
                return;
            }
            queue.add(buffer);
            queuedBytes += buffer.remaining();
            outstanding--;
            if (waiting && (queuedBytes >= wakeBytes || outstanding <= 0)) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
        schedule();
    }

    @Override
    public void onError(Throwable throwable) {
        end(throwable, false);
    }

    @Override
    public void onComplete() {
        end(null, false);
    }

    /**
     * Ends the stream with a failure, from any thread: the body is cancelled, queued buffers are dropped, a
     * pushing consumer gets {@code onEnd(failure)} and {@link #next()} throws. Ignored once the body ended.
     *
     * @param failure the failure
     */
    public void fail(Throwable failure) {
        end(failure, true);
    }

    private void end(@Nullable Throwable cause, boolean abort) {
        Flow.Subscription toCancel = null;
        lock.lock();
        try {
            if (upstreamDone || cancelled) {
                return;
            }
            upstreamDone = true;
            failure = cause;
            if (abort) {
                queue.clear();
                queuedBytes = 0;
                toCancel = toCancelLocked();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        schedule();
    }

    /** Stops reading: cancels the body and drops what is queued; the consumer hears nothing more. Idempotent. */
    public void cancel() {
        Flow.Subscription toCancel;
        lock.lock();
        try {
            cancelled = true;
            finished = true;
            queue.clear();
            queuedBytes = 0;
            toCancel = toCancelLocked();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    /**
     * Closes a pulled body: cancels it unless it was read to its normal end, and wakes a waiting reader, whose
     * {@link #next()} then fails with "stream closed". Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (upstreamDone && failure == null && queue.isEmpty()) {
                cancelled = true;
                finished = true;
                changed.signalAll();
                return;
            }
        } finally {
            lock.unlock();
        }
        cancel();
    }

    /**
     * Gives a buffer taken with {@link #next()} back to the transport; the caller must not touch it afterwards.
     *
     * @param buffer the buffer
     */
    @Override
    public void release(ByteBuffer buffer) {
        TransportResponse from = source;
        if (from != null) {
            from.releaseBuffer(buffer);
        }
    }

    // ------------------------------------------------------------------------------------------------ pull

    /**
     * The next buffer, owned by the caller until given back with {@link #release}; waits for one.
     *
     * @return the buffer, or {@code null} at the normal end of the body
     * @throws IOException the body's failure (a {@link java.net.SocketTimeoutException} when the transport's idle
     *     timeout passed), the one given to {@link #fail} (wrapped when it is no {@code IOException}), an
     *     {@link InterruptedIOException} when the thread was interrupted (the body is then cancelled), or one
     *     saying the reader was cancelled
     */
    @Override
    public @Nullable ByteBuffer next() throws IOException {
        ByteBuffer next;
        Flow.Subscription toRequest = null;
        int more = 0;
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (cancelled) {
                    throw new IOException("stream closed");
                }
                Throwable error = failure;
                if (error != null) {
                    throw error instanceof IOException io ? io : new IOException(error.getMessage(), error);
                }
                if (upstreamDone) {
                    finished = true;
                    return null;
                }
                try {
                    await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelLocked();
                    throw new InterruptedIOException("interrupted while waiting for data");
                }
            }
            next = queue.poll();
            queuedBytes -= next.remaining();
            more = demand();
            toRequest = more > 0 ? subscription : null;
        } finally {
            lock.unlock();
        }
        if (toRequest != null) {
            toRequest.request(more);
        }
        return next;
    }

    /** Waits for a change; call with the lock held. Polls only when wake-ups are batched. */
    @SuppressWarnings("WaitNotInLoop") // every caller waits in a loop that re-checks its condition
    private void await() throws InterruptedException {
        waiting = true;
        try {
            if (wakeBytes > 1) {
                changed.awaitNanos(POLL_NANOS);
            } else {
                changed.await();
            }
        } finally {
            waiting = false;
        }
    }

    /** Counts a taken buffer; returns how many to request now (a batch), or 0. Lock held. */
    private int demand() {
        if (++taken < batch || upstreamDone) {
            return 0;
        }
        int more = taken;
        taken = 0;
        outstanding += more;
        return more;
    }

    private void cancelLocked() {
        cancelled = true;
        finished = true;
        queue.clear();
        queuedBytes = 0;
        Flow.Subscription s = toCancelLocked();
        if (s != null) {
            s.cancel();
        }
    }

    /** The subscription to cancel, once: a body is cancelled at most once however many ways the stream ends. */
    private Flow.@Nullable Subscription toCancelLocked() {
        if (subscriptionCancelled) {
            return null;
        }
        Flow.Subscription s = subscription;
        subscriptionCancelled = s != null;
        return s;
    }

    // ------------------------------------------------------------------------------------------------ push

    /**
     * Pushes the body to a consumer on the calling thread until the stream is over (complete, ended, failed or
     * cancelled).
     *
     * @param consumer the consumer
     * @throws InterruptedException if the thread was interrupted; the caller should {@link #cancel()}
     */
    public void drainHere(Consumer consumer) throws InterruptedException {
        this.consumer = consumer;
        while (true) {
            drainAvailable(consumer);
            if (finished) {
                return;
            }
            lock.lockInterruptibly();
            try {
                while (queue.isEmpty() && !upstreamDone && !cancelled) {
                    await();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Pushes the body to a consumer as tasks on an executor: at most one task at a time, in order, and only while
     * there is something to push. A rejected task ends the stream with the rejection.
     *
     * @param executor the executor (the lease's handler executor, or the caller's)
     * @param consumer the consumer
     */
    public void drainOn(Executor executor, Consumer consumer) {
        this.consumer = consumer;
        this.executor = executor;
        schedule();
    }

    private void schedule() {
        Executor target = executor;
        if (target == null) {
            return;
        }
        if (wip.getAndIncrement() != 0) {
            return;
        }
        try {
            target.execute(this::drainLoop);
        } catch (RejectedExecutionException e) {
            Consumer to = consumer;
            cancel();
            if (to != null) {
                to.onEnd(e);
            }
        }
    }

    private void drainLoop() {
        Consumer to = consumer;
        if (to == null) {
            return;
        }
        int missed = 1;
        while (true) {
            drainAvailable(to);
            if (finished) {
                return;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void drainAvailable(Consumer to) {
        while (!finished) {
            ByteBuffer buffer;
            boolean done;
            Throwable cause;
            Flow.Subscription current;
            int more = 0;
            lock.lock();
            try {
                buffer = queue.poll();
                done = upstreamDone;
                cause = failure;
                current = subscription;
                if (buffer != null) {
                    queuedBytes -= buffer.remaining();
                    more = demand();
                }
            } finally {
                lock.unlock();
            }
            if (buffer == null) {
                if (done && !finished) {
                    finished = true;
                    to.onEnd(cause);
                }
                return;
            }
            boolean complete = to.onBuffer(buffer);
            release(buffer);
            if (complete) {
                cancel();
                return;
            }
            if (more > 0 && current != null && !finished) {
                current.request(more);
            }
        }
    }
}
