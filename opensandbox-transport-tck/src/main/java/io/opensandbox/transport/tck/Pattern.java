package io.opensandbox.transport.tck;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;

/**
 * Generated test data: a fixed 64 KiB pattern repeated, so gigabytes can be sent without allocating them, with a
 * CRC32 computed on the fly.
 */
public final class Pattern {
    /** The length of the pattern, and of each generated chunk. */
    public static final int CHUNK = 64 * 1024;

    private static final byte[] DATA = new byte[CHUNK + 256];

    static {
        for (int i = 0; i < DATA.length; i++) {
            DATA[i] = (byte) (i * 31 + (i >>> 8) * 7 + 1);
        }
    }

    private Pattern() {}

    /**
     * Writes {@code total} bytes of the pattern, starting at offset {@code seed % 256}.
     *
     * @param out the stream
     * @param total the number of bytes
     * @param seed varies the data between streams
     * @param crc updated with every byte written
     * @param written told the running total after each write
     * @throws IOException when the stream fails
     */
    public static void write(OutputStream out, long total, int seed, CRC32 crc, LongConsumer written)
            throws IOException {
        int offset = Math.floorMod(seed, 256);
        long sent = 0;
        while (sent < total) {
            int n = (int) Math.min(CHUNK, total - sent);
            out.write(DATA, offset, n);
            crc.update(DATA, offset, n);
            sent += n;
            written.accept(sent);
        }
    }

    /**
     * The CRC32 of {@code total} bytes written by {@link #write} with this seed.
     *
     * @param total the number of bytes
     * @param seed the seed
     * @return the checksum
     */
    public static long crc(long total, int seed) {
        CRC32 crc = new CRC32();
        int offset = Math.floorMod(seed, 256);
        long done = 0;
        while (done < total) {
            int n = (int) Math.min(CHUNK, total - done);
            crc.update(DATA, offset, n);
            done += n;
        }
        return crc.getValue();
    }

    /**
     * A publisher of {@code total} pattern bytes in read-only 64 KiB buffers that share the pattern array (nothing
     * is allocated per chunk beyond the view). It honours demand, emits on the requesting thread without recursion,
     * and can fail after a given number of bytes.
     */
    public static final class Publisher implements Flow.Publisher<ByteBuffer> {
        private final long total;
        private final long failAfter;
        private final CRC32 crc = new CRC32();
        private final AtomicLong emitted = new AtomicLong();
        private final AtomicInteger subscriptions = new AtomicInteger();

        /**
         * A publisher of {@code total} bytes.
         *
         * @param total the length
         */
        public Publisher(long total) {
            this(total, -1);
        }

        /**
         * A publisher that fails with an {@link IOException} once it has emitted {@code failAfter} bytes.
         *
         * @param total the length it would have had
         * @param failAfter when to fail, or {@code -1} never
         */
        public Publisher(long total, long failAfter) {
            this.total = total;
            this.failAfter = failAfter;
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
         * How many bytes were emitted.
         *
         * @return the count
         */
        public long emitted() {
            return emitted.get();
        }

        /**
         * How many times it was subscribed to.
         *
         * @return the count
         */
        public int subscriptions() {
            return subscriptions.get();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriptions.incrementAndGet();
            subscriber.onSubscribe(new Flow.Subscription() {
                private final AtomicLong demand = new AtomicLong();
                private final AtomicInteger wip = new AtomicInteger();
                private volatile boolean done;
                private long position;

                @Override
                public void request(long n) {
                    if (n <= 0) {
                        done = true;
                        subscriber.onError(new IllegalArgumentException("rule 3.9"));
                        return;
                    }
                    demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                    if (wip.getAndIncrement() != 0) {
                        return;
                    }
                    int missed = 1;
                    do {
                        while (!done && demand.get() > 0) {
                            if (failAfter >= 0 && position >= failAfter) {
                                done = true;
                                subscriber.onError(new IOException("the generated body failed on purpose"));
                                break;
                            }
                            if (position >= total) {
                                done = true;
                                subscriber.onComplete();
                                break;
                            }
                            int len = (int) Math.min(CHUNK, total - position);
                            ByteBuffer chunk = ByteBuffer.wrap(DATA, 0, len).asReadOnlyBuffer();
                            synchronized (Publisher.this) {
                                crc.update(chunk.duplicate());
                            }
                            position += len;
                            emitted.addAndGet(len);
                            demand.decrementAndGet();
                            subscriber.onNext(chunk);
                        }
                        missed = wip.addAndGet(-missed);
                    } while (missed != 0);
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }
    }
}
