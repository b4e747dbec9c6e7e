package io.opensandbox.transport.tck;

import io.opensandbox.api.spi.TransportResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.zip.CRC32;
import org.jspecify.annotations.NullUnmarked;

/**
 * A response body subscriber that gives its buffers back ({@link TransportResponse#releaseBuffer(ByteBuffer)}) as
 * hostilely as the rule allows: it keeps the last few buffers a while, overwrites each before releasing it, and
 * releases out of order. A transport that filled a buffer the reader still held, or delivered a buffer twice without
 * a release in between, shows as a checksum mismatch or a counted violation.
 */
// test-kit code: not null-checked (its fields are set by JUnit callbacks and Flow.onSubscribe)
@NullUnmarked
public final class RecyclingReader implements Flow.Subscriber<ByteBuffer> {
    private static final int HELD = 4;
    private static final int BATCH = 16;

    private final TransportResponse response;
    private final CRC32 crc = new CRC32();
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private final Set<ByteBuffer> out = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Integer> identities = new HashSet<>();
    private final CompletableFuture<RecyclingReader> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long bytes;
    private int buffers;
    private int violations;
    private int sinceRequest;

    /**
     * A reader of the response's body; subscribe it to {@code response.body()}.
     *
     * @param response the response whose buffers it releases
     */
    public RecyclingReader(TransportResponse response) {
        this.response = response;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(BATCH);
    }

    @Override
    public synchronized void onNext(ByteBuffer buffer) {
        if (!out.add(buffer)) {
            violations++; // delivered again while this reader still held it
        }
        buffers++;
        identities.add(System.identityHashCode(buffer));
        bytes += buffer.remaining();
        crc.update(buffer.duplicate());
        held.add(buffer);
        if (held.size() > HELD) {
            // release the second oldest first, then the oldest: out of order
            ByteBuffer oldest = held.poll();
            ByteBuffer second = held.poll();
            release(second);
            release(oldest);
        }
        if (++sinceRequest == BATCH / 2) {
            sinceRequest = 0;
            subscription.request(BATCH / 2);
        }
    }

    private void release(ByteBuffer buffer) {
        out.remove(buffer);
        if (buffer.hasArray() && !buffer.isReadOnly()) {
            Arrays.fill(buffer.array(), buffer.arrayOffset(), buffer.arrayOffset() + buffer.capacity(), (byte) 0x5a);
        }
        response.releaseBuffer(buffer);
    }

    @Override
    public void onError(Throwable throwable) {
        done.completeExceptionally(throwable);
    }

    @Override
    public synchronized void onComplete() {
        while (!held.isEmpty()) {
            release(held.poll());
        }
        done.complete(this);
    }

    /**
     * Completes at the end of the body.
     *
     * @return the reader, once done
     */
    public CompletableFuture<RecyclingReader> done() {
        return done;
    }

    /**
     * The CRC32 of the body.
     *
     * @return the checksum
     */
    public synchronized long crc() {
        return crc.getValue();
    }

    /**
     * The body's length.
     *
     * @return bytes
     */
    public synchronized long bytes() {
        return bytes;
    }

    /**
     * Buffers delivered.
     *
     * @return the count
     */
    public synchronized int buffers() {
        return buffers;
    }

    /**
     * Distinct buffer objects seen (by identity hash, so without holding them): far fewer than {@link #buffers()}
     * when the transport reuses released buffers.
     *
     * @return the count
     */
    public synchronized int distinctBuffers() {
        return identities.size();
    }

    /**
     * Buffers delivered while this reader still held them.
     *
     * @return the count
     */
    public synchronized int violations() {
        return violations;
    }
}
