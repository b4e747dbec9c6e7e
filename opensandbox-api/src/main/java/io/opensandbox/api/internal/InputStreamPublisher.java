package io.opensandbox.api.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Publishes an {@link InputStream} as buffers, reading only when the subscriber asks for more, on the given
 * executor (reads block; they never run on the subscriber's thread). One subscriber; the stream is read once and
 * closed at the end, on failure or on cancel.
 */
public final class InputStreamPublisher implements Flow.Publisher<ByteBuffer> {
    private final InputStream input;
    private final int chunkSize;
    private final Executor executor;
    private final LongConsumer progress;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /**
     * Creates the publisher.
     *
     * @param input the stream; closed by this publisher
     * @param chunkSize the buffer size
     * @param executor runs the blocking reads
     * @param progress told the running total of bytes read
     */
    public InputStreamPublisher(InputStream input, int chunkSize, Executor executor, LongConsumer progress) {
        this.input = input;
        this.chunkSize = chunkSize;
        this.executor = executor;
        this.progress = progress;
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
            subscriber.onError(new IllegalStateException("an input stream can be sent only once"));
            return;
        }
        subscriber.onSubscribe(new Pump(subscriber));
    }

    private final class Pump implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean done;
        private long total;

        private Pump(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (done) {
                return;
            }
            if (n <= 0) {
                finish(new IllegalArgumentException("demand must be positive"));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            schedule();
        }

        @Override
        public void cancel() {
            done = true;
            schedule();
        }

        private void schedule() {
            if (wip.getAndIncrement() == 0) {
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException e) {
                    finish(e);
                }
            }
        }

        @Override
        public void run() {
            int missed = 1;
            while (true) {
                while (!done && demand.get() > 0) {
                    try {
                        byte[] chunk = new byte[chunkSize];
                        int n = input.readNBytes(chunk, 0, chunkSize);
                        if (n > 0) {
                            demand.decrementAndGet();
                            total += n;
                            progress.accept(total);
                            subscriber.onNext(ByteBuffer.wrap(chunk, 0, n));
                        }
                        if (n < chunkSize) {
                            done = true;
                            closeQuietly();
                            subscriber.onComplete();
                        }
                    } catch (IOException | RuntimeException e) {
                        finish(e);
                    }
                }
                if (done) {
                    closeQuietly();
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void finish(Throwable failure) {
            if (!done) {
                done = true;
                closeQuietly();
                subscriber.onError(failure);
            }
        }

        private void closeQuietly() {
            try {
                input.close();
            } catch (IOException ignored) {
                // the body is finished either way
            }
        }
    }
}
