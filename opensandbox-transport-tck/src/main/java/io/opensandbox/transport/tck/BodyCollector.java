package io.opensandbox.transport.tck;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.jspecify.annotations.NullUnmarked;

/**
 * A body subscriber for the kit: counts bytes and buffers, keeps a CRC32 (and optionally the bytes), and records
 * any breach of the Flow rules it can see (more buffers than requested, concurrent signals, signals after a terminal
 * one).
 */
// test-kit code: not null-checked (its fields are set by JUnit callbacks and Flow.onSubscribe)
@NullUnmarked
public final class BodyCollector implements Flow.Subscriber<ByteBuffer> {
    private final long initialRequest;
    private final boolean keepBytes;
    private final CompletableFuture<BodyCollector> done = new CompletableFuture<>();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger buffers = new AtomicInteger();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicBoolean terminated = new AtomicBoolean();
    private final CRC32 crc = new CRC32();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile String violation;
    private volatile Flow.Subscription subscription;

    /**
     * A collector.
     *
     * @param initialRequest what to request on subscribe ({@link Long#MAX_VALUE} for everything, 0 for nothing)
     * @param keepBytes whether to keep the bytes (small bodies only)
     */
    public BodyCollector(long initialRequest, boolean keepBytes) {
        this.initialRequest = initialRequest;
        this.keepBytes = keepBytes;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        if (this.subscription != null) {
            violation = "onSubscribe twice";
        }
        this.subscription = subscription;
        if (initialRequest > 0) {
            request(initialRequest);
        }
    }

    /**
     * Requests more buffers.
     *
     * @param n how many
     */
    public void request(long n) {
        outstanding.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        subscription.request(n);
    }

    /** Cancels the subscription. */
    public void cancel() {
        subscription.cancel();
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        enter();
        try {
            if (terminated.get()) {
                violation = "onNext after a terminal signal";
            }
            if (outstanding.getAndUpdate(v -> v == Long.MAX_VALUE ? v : v - 1) <= 0) {
                violation = "more buffers delivered than requested";
            }
            int n = buffer.remaining();
            synchronized (crc) {
                if (keepBytes) {
                    byte[] copy = new byte[n];
                    buffer.duplicate().get(copy);
                    kept.write(copy, 0, n);
                }
                crc.update(buffer);
            }
            bytes.addAndGet(n);
            buffers.incrementAndGet();
        } finally {
            leave();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        enter();
        try {
            if (!terminated.compareAndSet(false, true)) {
                violation = "a second terminal signal";
            }
            done.completeExceptionally(throwable);
        } finally {
            leave();
        }
    }

    @Override
    public void onComplete() {
        enter();
        try {
            if (!terminated.compareAndSet(false, true)) {
                violation = "a second terminal signal";
            }
            done.complete(this);
        } finally {
            leave();
        }
    }

    private void enter() {
        if (inside.incrementAndGet() != 1) {
            violation = "signals delivered concurrently";
        }
    }

    private void leave() {
        inside.decrementAndGet();
    }

    /**
     * Completed at onComplete, failed at onError.
     *
     * @return the outcome
     */
    public CompletableFuture<BodyCollector> done() {
        return done;
    }

    /**
     * Bytes received.
     *
     * @return the count
     */
    public long bytes() {
        return bytes.get();
    }

    /**
     * Buffers received.
     *
     * @return the count
     */
    public int buffers() {
        return buffers.get();
    }

    /**
     * CRC32 of the bytes received.
     *
     * @return the checksum
     */
    public long crc() {
        synchronized (crc) {
            return crc.getValue();
        }
    }

    /**
     * The bytes received, when kept.
     *
     * @return the bytes
     */
    public byte[] kept() {
        synchronized (crc) {
            return kept.toByteArray();
        }
    }

    /**
     * The first Flow rule breach seen, if any.
     *
     * @return a description, or {@code null}
     */
    public String violation() {
        return violation;
    }
}
