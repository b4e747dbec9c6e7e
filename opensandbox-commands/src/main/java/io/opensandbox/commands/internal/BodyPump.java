package io.opensandbox.commands.internal;

import io.opensandbox.api.spi.TransportResponse;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
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
 * Moves a response body from the transport's I/O thread to a consumer thread, with backpressure: at most
 * {@code window} buffers are requested ahead of the consumer, and one more only after one was consumed, so a slow
 * consumer slows the server down and memory stays bounded.
 *
 * <p>The consumer is either the calling thread ({@link #drainBlocking}) or, when an executor is given, a task on
 * that executor that runs serially per stream (never two at once, in order) and only while there is something to
 * do: no thread is held per stream.
 */
public abstract class BodyPump implements Flow.Subscriber<ByteBuffer> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final @Nullable Executor executor;
    private final int window;
    private final AtomicInteger wip = new AtomicInteger();
    private Flow.@Nullable Subscription subscription;
    private boolean upstreamDone;
    private @Nullable Throwable upstreamFailure;
    private boolean cancelled;
    private volatile boolean finished;
    private volatile @Nullable TransportResponse source;

    /**
     * Creates a pump.
     *
     * @param executor the executor the consumer runs on, or {@code null} to drain on the caller's thread
     * @param window the most buffers requested ahead of the consumer
     */
    protected BodyPump(@Nullable Executor executor, int window) {
        this.executor = executor;
        this.window = window;
    }

    /**
     * Consumes one buffer on the consumer thread. Must not throw, and must not keep the buffer: once this returns
     * it goes back to the transport ({@link #subscribeTo}) to carry later bytes.
     *
     * @param buffer the buffer
     * @return {@code true} when the stream is complete as far as the consumer is concerned; the subscription is
     *     then cancelled and {@link #completed()} called
     */
    protected abstract boolean consume(ByteBuffer buffer);

    /** Called on the consumer thread after {@link #consume} returned {@code true} and the body was cancelled. */
    protected abstract void completed();

    /**
     * Called on the consumer thread when the body ended before the consumer was complete. Must not throw.
     *
     * @param failure the failure, or {@code null} for a normal end of the body
     */
    protected abstract void ended(@Nullable Throwable failure);

    /**
     * Whether the pump has finished (completed, ended or cancelled).
     *
     * @return whether it is finished
     */
    public final boolean isFinished() {
        return finished;
    }

    /**
     * Subscribes to a response's body, giving each buffer back to the response once consumed.
     *
     * @param response the response whose body to read
     */
    public final void subscribeTo(TransportResponse response) {
        source = response;
        response.body().subscribe(this);
    }

    @Override
    public final void onSubscribe(Flow.Subscription subscription) {
        lock.lock();
        try {
            if (this.subscription != null || cancelled) {
                subscription.cancel();
                return;
            }
            this.subscription = subscription;
        } finally {
            lock.unlock();
        }
        subscription.request(window);
    }

    @Override
    public final void onNext(ByteBuffer item) {
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            queue.add(item);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        schedule();
    }

    @Override
    public final void onError(Throwable throwable) {
        upstreamEnd(throwable);
    }

    @Override
    public final void onComplete() {
        upstreamEnd(null);
    }

    private void upstreamEnd(@Nullable Throwable failure) {
        lock.lock();
        try {
            if (upstreamDone) {
                return;
            }
            upstreamDone = true;
            upstreamFailure = failure;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        schedule();
    }

    /**
     * Ends the stream as if the body had failed, from any thread (for failures before the body was subscribed).
     *
     * @param failure the failure
     */
    public final void fail(Throwable failure) {
        upstreamEnd(failure);
    }

    /** Stops reading: cancels the body subscription and drops what is queued. Idempotent; from any thread. */
    public final void cancel() {
        Flow.Subscription current;
        lock.lock();
        try {
            cancelled = true;
            finished = true;
            queue.clear();
            current = subscription;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.cancel();
        }
    }

    private void schedule() {
        Executor target = executor;
        if (target == null || wip.getAndIncrement() != 0) {
            return;
        }
        try {
            target.execute(this::drainLoop);
        } catch (RejectedExecutionException e) {
            cancel();
            ended(e);
        }
    }

    private void drainLoop() {
        int missed = 1;
        while (true) {
            drainAvailable();
            if (finished) {
                return;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void drainAvailable() {
        while (!finished) {
            ByteBuffer buffer;
            boolean done;
            Throwable failure;
            Flow.Subscription current;
            lock.lock();
            try {
                buffer = queue.poll();
                done = upstreamDone;
                failure = upstreamFailure;
                current = subscription;
            } finally {
                lock.unlock();
            }
            if (buffer != null) {
                boolean complete = consume(buffer);
                TransportResponse from = source;
                if (from != null) {
                    from.releaseBuffer(buffer);
                }
                if (complete) {
                    cancel();
                    completed();
                    return;
                }
                if (current != null && !finished) {
                    current.request(1);
                }
            } else {
                if (done && !finished) {
                    finished = true;
                    ended(failure);
                }
                return;
            }
        }
    }

    /**
     * Drains on the calling thread until the pump is finished. Waiting longer than {@code idleTimeout} for the next
     * buffer ends the stream with a {@link SocketTimeoutException}. A timeout too long for nanoseconds is taken as
     * {@link Long#MAX_VALUE} nanoseconds (about 292 years), never an arithmetic failure.
     *
     * @param idleTimeout the longest wait for data
     * @throws InterruptedException if the calling thread is interrupted; the caller should {@link #cancel()}
     */
    public final void drainBlocking(Duration idleTimeout) throws InterruptedException {
        long idleNanos = Durations.toNanosSaturated(idleTimeout);
        while (true) {
            drainAvailable();
            if (finished) {
                return;
            }
            boolean timedOut = false;
            lock.lockInterruptibly();
            try {
                long remaining = idleNanos;
                while (queue.isEmpty() && !upstreamDone && !cancelled) {
                    if (remaining <= 0) {
                        timedOut = true;
                        break;
                    }
                    remaining = changed.awaitNanos(remaining);
                }
            } finally {
                lock.unlock();
            }
            if (timedOut) {
                cancel();
                ended(new SocketTimeoutException(
                        "no data on the stream for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms"));
                return;
            }
        }
    }
}
