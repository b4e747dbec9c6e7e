package io.opensandbox.files.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Publishes an upload body read from an {@link InputStream}, with a bounded read-ahead: one worker thread reads
 * chunks ahead of demand (at most {@link #READY_MAX}) and sleeps while they wait, woken only once the transport
 * took half of them; a request from the transport is answered at once, on the requesting thread, with a chunk
 * already read. So a chunk costs no thread hand-over in the common case, and memory stays bounded (the ready
 * chunks plus what the transport prefetches). Signals are delivered in order and never concurrently. The stream is
 * read once and closed at the end, on failure or on cancel.
 *
 * <p>Chunks the transport gives back ({@link #release(ByteBuffer)}, wired through
 * {@link io.opensandbox.api.spi.RequestBody#withBufferRelease}) are filled again instead of allocating new ones, so
 * an upload through a transport that releases its buffers reuses the same few chunks from start to end.
 */
public final class UploadPublisher implements Flow.Publisher<ByteBuffer> {
    /** Chunks read ahead of demand at most. */
    static final int READY_MAX = 4;

    /** Released chunks kept for reuse at most: the read-ahead plus what a transport holds, with room to spare. */
    static final int FREE_MAX = 16;

    private static final int LOW_WATER = READY_MAX / 2;

    private final InputStream input;
    private final int chunkSize;
    private final Executor executor;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(FREE_MAX);

    /**
     * Creates the publisher.
     *
     * @param input the body; closed by this publisher
     * @param chunkSize the size of each buffer (below half a G1 region keeps them out of the humongous space)
     * @param executor runs the blocking reads, one task for the whole body
     */
    public UploadPublisher(InputStream input, int chunkSize, Executor executor) {
        this.input = input;
        this.chunkSize = chunkSize;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(new IllegalStateException("an upload body can be sent only once"));
            return;
        }
        Pump pump = new Pump(subscriber);
        subscriber.onSubscribe(pump);
        try {
            executor.execute(pump::fill);
        } catch (RejectedExecutionException e) {
            pump.fail(e);
            closeQuietly();
        }
    }

    /**
     * Takes back a chunk the transport will not touch again, to be filled with later bytes. Chunks of another size
     * or kind, and chunks beyond {@link #FREE_MAX}, are left to the garbage collector.
     *
     * @param chunk a buffer this publisher delivered
     */
    public void release(ByteBuffer chunk) {
        if (chunk.hasArray() && !chunk.isReadOnly() && chunk.arrayOffset() == 0 && chunk.capacity() == chunkSize) {
            free.offer(chunk); // when full, the chunk is left to the garbage collector
        }
    }

    private void closeQuietly() {
        try {
            input.close();
        } catch (IOException | RuntimeException ignored) {
            // the body is finished either way
        }
    }

    private final class Pump implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition space = lock.newCondition();
        private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
        private final AtomicInteger wip = new AtomicInteger();
        // guarded by lock
        private long demand;
        private boolean eof;
        private boolean cancelled;
        private boolean terminated;
        private @Nullable Throwable failure;

        private Pump(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        /** The worker: reads chunks while fewer than READY_MAX wait, until the end, a failure or a cancel. */
        private void fill() {
            try {
                while (true) {
                    lock.lock();
                    try {
                        while (!cancelled && !terminated && ready.size() >= READY_MAX) {
                            space.await();
                        }
                        if (cancelled || terminated) {
                            return;
                        }
                    } finally {
                        lock.unlock();
                    }
                    ByteBuffer chunk = free.poll();
                    if (chunk == null) {
                        chunk = ByteBuffer.wrap(new byte[chunkSize]);
                    }
                    int n = input.readNBytes(chunk.array(), 0, chunkSize);
                    chunk.clear().limit(n);
                    lock.lock();
                    try {
                        if (n > 0) {
                            ready.add(chunk);
                        }
                        if (n < chunkSize) {
                            eof = true;
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (n < chunkSize) {
                        closeQuietly(); // before the subscriber hears of the end
                        drain();
                        return;
                    }
                    drain();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(); // before the subscriber hears of the failure, as at the end
                fail(e);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                fail(e);
            } finally {
                closeQuietly();
            }
        }

        private void fail(Throwable cause) {
            lock.lock();
            try {
                if (failure == null) {
                    failure = cause;
                }
            } finally {
                lock.unlock();
            }
            drain();
        }

        @Override
        public void request(long n) {
            lock.lock();
            try {
                if (n <= 0) {
                    if (failure == null) {
                        failure = new IllegalArgumentException("demand must be positive");
                    }
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
            } finally {
                lock.unlock();
            }
            drain();
        }

        @Override
        public void cancel() {
            lock.lock();
            try {
                cancelled = true;
                ready.clear();
                space.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Delivers ready chunks while there is demand; serialised by a work-in-progress counter. */
        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                while (true) {
                    ByteBuffer next = null;
                    Throwable error = null;
                    boolean complete = false;
                    lock.lock();
                    try {
                        if (terminated || cancelled) {
                            break;
                        }
                        if (failure != null) {
                            error = failure;
                            terminated = true;
                            ready.clear();
                            space.signalAll();
                        } else if (!ready.isEmpty() && demand > 0) {
                            next = ready.poll();
                            if (demand != Long.MAX_VALUE) {
                                demand--;
                            }
                            if (ready.size() <= LOW_WATER) {
                                space.signal();
                            }
                        } else if (ready.isEmpty() && eof) {
                            complete = true;
                            terminated = true;
                        } else {
                            break;
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (error != null) {
                        subscriber.onError(error);
                    } else if (complete) {
                        subscriber.onComplete();
                    } else if (next != null) {
                        subscriber.onNext(next);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
