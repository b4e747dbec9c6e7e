package io.opensandbox.files.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UploadPublisherTest {
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool();

    @AfterAll
    static void stop() {
        WORKERS.shutdownNow();
    }

    /** Collects every buffer, asking for one at a time from the thread that got the last one. */
    private static class Collector implements Flow.Subscriber<ByteBuffer> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final List<Integer> sizes = new ArrayList<>();
        Flow.Subscription subscription;
        int signalsInFlight;
        boolean overlapped;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public synchronized void onNext(ByteBuffer item) {
            if (++signalsInFlight > 1) {
                overlapped = true;
            }
            sizes.add(item.remaining());
            bytes.write(item.array(), item.arrayOffset() + item.position(), item.remaining());
            signalsInFlight--;
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    @Test
    void publishesTheWholeStreamInOrder_inChunks_andClosesIt() throws Exception {
        byte[] content = new byte[1_000_000];
        new Random(7).nextBytes(content);
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new ByteArrayInputStream(content) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        Collector collector = new Collector();

        new UploadPublisher(in, 64 * 1024, WORKERS).subscribe(collector);

        collector.done.get(10, TimeUnit.SECONDS);
        assertThat(collector.bytes.toByteArray()).isEqualTo(content);
        assertThat(collector.sizes)
                .hasSize(16)
                .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(64 * 1024));
        assertThat(collector.overlapped).isFalse();
        assertThat(closed).isTrue();
    }

    @Test
    void releasedChunks_areFilledAgain_soAFewArraysCarryTheWholeStream() throws Exception {
        byte[] content = new byte[2_000_000];
        new Random(11).nextBytes(content);
        UploadPublisher publisher = new UploadPublisher(new ByteArrayInputStream(content), 16 * 1024, WORKERS);
        Set<byte[]> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
        Collector collector = new Collector() {
            @Override
            public synchronized void onNext(ByteBuffer item) {
                arrays.add(item.array());
                super.onNext(item);
                item.put(0, (byte) 0x5a); // the transport is done with it: scribbling must not reach the output
                publisher.release(item);
            }
        };
        publisher.release(ByteBuffer.allocate(100)); // not one of its chunks: ignored

        publisher.subscribe(collector);

        collector.done.get(10, TimeUnit.SECONDS);
        assertThat(collector.bytes.toByteArray()).isEqualTo(content);
        assertThat(collector.sizes)
                .hasSize(123)
                .allSatisfy(size -> assertThat(size).isPositive());
        // the read-ahead, the chunk being filled and the one out: far fewer than the 123 chunks sent
        assertThat(arrays).hasSizeLessThanOrEqualTo(UploadPublisher.READY_MAX + 2);
    }

    @Test
    void readsAheadOnlyABoundedNumberOfChunks_withoutDemand() throws Exception {
        AtomicLong read = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                read.addAndGet(len);
                return len;
            }
        };
        List<ByteBuffer> got = new ArrayList<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        new UploadPublisher(endless, 1000, WORKERS).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
            }

            @Override
            public void onNext(ByteBuffer item) {
                got.add(item);
            }

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {}
        });

        for (int i = 0; i < 200 && read.get() < UploadPublisher.READY_MAX * 1000L; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertThat(read.get()).isEqualTo(UploadPublisher.READY_MAX * 1000L);
        assertThat(got).isEmpty();

        // a request is answered at once, on the requesting thread, from the chunks read ahead
        subscription[0].request(2);
        assertThat(got).hasSize(2);
        subscription[0].cancel();
    }

    @Test
    void aFailingStream_endsWithItsError() throws Exception {
        InputStream failing = new InputStream() {
            private int calls;

            @Override
            public int read() throws IOException {
                throw new IOException("broken");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (calls++ > 2) {
                    throw new IOException("broken");
                }
                return len;
            }
        };
        Collector collector = new Collector();

        new UploadPublisher(failing, 100, WORKERS).subscribe(collector);

        assertThat(collector.done)
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withRootCauseInstanceOf(IOException.class)
                .withMessageContaining("broken");
    }

    @Test
    void cancel_stopsReading_andClosesTheStream() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }

            @Override
            public void close() {
                closed.complete(null);
            }
        };
        new UploadPublisher(endless, 1000, WORKERS).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(3);
                s.cancel();
            }

            @Override
            public void onNext(ByteBuffer item) {}

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {}
        });

        closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSecondSubscriber_isRefused() {
        UploadPublisher publisher = new UploadPublisher(new ByteArrayInputStream(new byte[10]), 100, WORKERS);
        Collector first = new Collector();
        Collector second = new Collector();
        publisher.subscribe(first);
        publisher.subscribe(second);

        assertThat(second.done).isCompletedExceptionally();
    }
}
