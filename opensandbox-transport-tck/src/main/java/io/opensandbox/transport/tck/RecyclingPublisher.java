package io.opensandbox.transport.tck;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A request body publisher that takes its buffers back ({@link io.opensandbox.api.spi.RequestBody#withBufferRelease})
 * and is as hostile as the rule allows: a released buffer is overwritten at once and filled with the next bytes. A
 * transport that touched a buffer after releasing it would send garbage, which the server's checksum shows. It also
 * records every release of a buffer that was not out (never delivered, or released twice).
 */
public final class RecyclingPublisher implements Flow.Publisher<ByteBuffer> {
    /** The size of each buffer: small, so a transfer goes through many of them. */
    public static final int BUFFER = 16 * 1024;

    private final long total;
    private final CRC32 crc = new CRC32();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final Set<ByteBuffer> out = Collections.newSetFromMap(new IdentityHashMap<>());
    private final AtomicInteger wrongReleases = new AtomicInteger();
    private long emitted;
    private int delivered;
    private int released;
    private int allocated;
    private long demand;
    private boolean emitting;
    private boolean done;

    /**
     * A publisher of {@code total} pattern bytes.
     *
     * @param total the length
     */
    public RecyclingPublisher(long total) {
        this.total = total;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                synchronized (RecyclingPublisher.this) {
                    demand += n;
                    if (emitting) {
                        return; // the loop below is running on this thread or another; it sees the new demand
                    }
                    emitting = true;
                }
                emit(subscriber);
            }

            @Override
            public void cancel() {
                synchronized (RecyclingPublisher.this) {
                    done = true;
                }
            }
        });
    }

    private void emit(Flow.Subscriber<? super ByteBuffer> subscriber) {
        while (true) {
            ByteBuffer next;
            boolean complete = false;
            synchronized (this) {
                if (done || demand == 0) {
                    emitting = false;
                    return;
                }
                if (emitted == total) {
                    done = true;
                    complete = true;
                    next = null;
                } else {
                    next = free.poll();
                    if (next == null) {
                        next = ByteBuffer.allocate(BUFFER);
                        allocated++;
                    }
                    int n = (int) Math.min(BUFFER, total - emitted);
                    next.clear().limit(n);
                    for (int i = 0; i < n; i++) {
                        next.put(i, (byte) ((emitted + i) * 31 + ((emitted + i) >>> 10)));
                    }
                    crc.update(next.duplicate());
                    emitted += n;
                    demand--;
                    delivered++;
                    out.add(next);
                }
            }
            if (complete) {
                subscriber.onComplete();
                synchronized (this) {
                    emitting = false;
                }
                return;
            }
            subscriber.onNext(next);
        }
    }

    /**
     * The release receiver: scribbles over the buffer and queues it for the next bytes.
     *
     * @param buffer a buffer the transport is done with
     */
    public synchronized void release(ByteBuffer buffer) {
        if (!out.remove(buffer)) {
            wrongReleases.incrementAndGet();
            return;
        }
        released++;
        Arrays.fill(buffer.array(), buffer.arrayOffset(), buffer.arrayOffset() + buffer.capacity(), (byte) 0x5a);
        free.push(buffer);
    }

    /**
     * The CRC32 of what was emitted.
     *
     * @return the checksum
     */
    public synchronized long crc() {
        return crc.getValue();
    }

    /**
     * Buffers delivered.
     *
     * @return the count
     */
    public synchronized int delivered() {
        return delivered;
    }

    /**
     * Buffers released once, as they should be.
     *
     * @return the count
     */
    public synchronized int released() {
        return released;
    }

    /**
     * Buffers allocated: fewer than delivered when releases let the publisher reuse them.
     *
     * @return the count
     */
    public synchronized int allocated() {
        return allocated;
    }

    /**
     * Releases of buffers that were not out: never delivered, or released twice.
     *
     * @return the count
     */
    public int wrongReleases() {
        return wrongReleases.get();
    }
}
