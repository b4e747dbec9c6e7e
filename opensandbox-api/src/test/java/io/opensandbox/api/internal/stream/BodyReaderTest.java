package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.spi.TransportResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BodyReaderTest {
    /** Records what the reader side asks for. */
    private static final class Recording implements Flow.Subscription {
        final List<Long> requests = Collections.synchronizedList(new ArrayList<>());
        volatile boolean cancelled;

        @Override
        public void request(long n) {
            requests.add(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private static ByteBuffer buffer(int size, int value) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            buffer.put((byte) value);
        }
        return buffer.flip();
    }

    @Test
    void asksForTheWindow_thenInBatchesOfHalfOfIt() throws IOException {
        BodyReader body = new BodyReader(8, BodyReader.BULK_WAKE_BYTES);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        assertThat(subscription.requests).containsExactly(8L);

        for (int i = 0; i < 8; i++) {
            body.onNext(buffer(10, i));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(body.next().get(0)).isEqualTo((byte) i);
        }
        assertThat(subscription.requests).containsExactly(8L);
        body.next();
        assertThat(subscription.requests).containsExactly(8L, 4L);
    }

    @Test
    void deliversEverything_thenNull_atTheEnd() throws IOException {
        BodyReader body = new BodyReader(4, BodyReader.BULK_WAKE_BYTES);
        body.onSubscribe(new Recording());
        body.onNext(buffer(3, 1));
        body.onNext(buffer(5, 2));
        body.onComplete();

        assertThat(body.next().remaining()).isEqualTo(3);
        assertThat(body.next().remaining()).isEqualTo(5);
        assertThat(body.next()).isNull();
    }

    @Test
    void aWaitingReader_getsASmallBuffer_thatTricklesIn() throws Exception {
        BodyReader body = new BodyReader(64, BodyReader.BULK_WAKE_BYTES);
        body.onSubscribe(new Recording());
        CompletableFuture<ByteBuffer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return body.next();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        // far below the wake-up threshold: the reader still finds it by looking at the queue
        body.onNext(buffer(1, 9));

        assertThat(read.get(5, TimeUnit.SECONDS).get(0)).isEqualTo((byte) 9);
    }

    @Test
    void failures_reachTheReader() {
        BodyReader body = new BodyReader(4, BodyReader.BULK_WAKE_BYTES);
        body.onSubscribe(new Recording());
        body.onError(new IOException("cut"));

        assertThatThrownBy(body::next).isInstanceOf(IOException.class).hasMessage("cut");
    }

    @Test
    void closeBeforeTheEnd_cancels_andWakesAWaitingReader() throws Exception {
        BodyReader body = new BodyReader(4, BodyReader.BULK_WAKE_BYTES);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.next();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(50);
        body.close();

        assertThat(reader.get(5, TimeUnit.SECONDS)).hasMessage("stream closed");
        assertThat(subscription.cancelled).isTrue();
    }

    @Test
    void closeAfterTheEnd_doesNotCancel() throws IOException {
        BodyReader body = new BodyReader(4, BodyReader.BULK_WAKE_BYTES);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        body.onComplete();
        assertThat(body.next()).isNull();
        body.close();

        assertThat(subscription.cancelled).isFalse();
    }

    @Test
    void failFromAnotherThread_cancelsTheBody_andWakesAWaitingReaderWithThatFailure() throws Exception {
        BodyReader body = new BodyReader(4, 1);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.next();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(50);
        body.fail(new IllegalStateException("closed"));

        assertThat(reader.get(5, TimeUnit.SECONDS))
                .hasMessage("closed")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(subscription.cancelled).isTrue();
    }

    /** Records what reached it. */
    static final class Consumed implements BodyReader.Consumer {
        final List<String> consumed = new ArrayList<>();
        final CompletableFuture<@Nullable Throwable> end = new CompletableFuture<>();
        final int completeAfter;

        Consumed(int completeAfter) {
            this.completeAfter = completeAfter;
        }

        @Override
        public boolean onBuffer(ByteBuffer buffer) {
            consumed.add(StandardCharsets.UTF_8.decode(buffer).toString());
            return consumed.size() == completeAfter;
        }

        @Override
        public void onEnd(@Nullable Throwable failure) {
            end.complete(failure);
        }
    }

    private static TransportResponse response(List<ByteBuffer> sent, List<ByteBuffer> released, Consumed consumer) {
        return new TransportResponse() {
            @Override
            public int statusCode() {
                return 200;
            }

            @Override
            public Map<String, List<String>> headers() {
                return Map.of();
            }

            @Override
            public Flow.Publisher<ByteBuffer> body() {
                return subscriber -> {
                    subscriber.onSubscribe(new Recording());
                    sent.forEach(subscriber::onNext);
                    subscriber.onComplete();
                };
            }

            @Override
            public void releaseBuffer(ByteBuffer buffer) {
                assertThat(consumer.consumed)
                        .as("released only after it was consumed")
                        .hasSize(released.size() + 1);
                released.add(buffer);
            }

            @Override
            public void close() {}
        };
    }

    private static List<ByteBuffer> ab() {
        return List.of(
                ByteBuffer.wrap("a".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("b".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void drainHere_givesEachBufferBackToTheResponseOnceConsumed_thenEnds() throws Exception {
        Consumed consumer = new Consumed(-1);
        List<ByteBuffer> sent = ab();
        List<ByteBuffer> released = new ArrayList<>();
        BodyReader reader = BodyReader.events();

        reader.subscribeTo(response(sent, released, consumer));
        reader.drainHere(consumer);

        assertThat(consumer.consumed).containsExactly("a", "b");
        assertThat(released).containsExactlyElementsOf(sent);
        assertThat(consumer.end.get(1, TimeUnit.SECONDS)).isNull();
        assertThat(reader.isFinished()).isTrue();
    }

    @Test
    void drainHere_waitsForLateData_withoutATimeOfItsOwn() throws Exception {
        Consumed consumer = new Consumed(-1);
        BodyReader reader = BodyReader.events();
        reader.onSubscribe(new Recording());
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            reader.onNext(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8)));
            reader.onComplete();
        });
        producer.start();

        reader.drainHere(consumer);

        producer.join();
        assertThat(consumer.consumed).containsExactly("late");
        assertThat(consumer.end.get(1, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void drainOn_runsTheConsumerOnTheExecutor_andStopsWhenItIsComplete() throws Exception {
        Consumed consumer = new Consumed(1);
        List<ByteBuffer> sent = ab();
        List<ByteBuffer> released = new ArrayList<>();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, "consumer-thread"));
        try {
            BodyReader reader = BodyReader.events();
            reader.drainOn(
                    task -> executor.execute(() -> {
                        threads.add(Thread.currentThread().getName());
                        task.run();
                    }),
                    consumer);
            reader.subscribeTo(response(sent, released, consumer));

            executor.submit(() -> null).get(5, TimeUnit.SECONDS);
            assertThat(consumer.consumed).containsExactly("a");
            assertThat(released).containsExactly(sent.get(0));
            assertThat(consumer.end).as("complete: no end signal").isNotDone();
            assertThat(reader.isFinished()).isTrue();
            assertThat(threads).isNotEmpty().allMatch("consumer-thread"::equals);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void endingAStreamSeveralWays_cancelsTheBodyOnce() {
        BodyReader reader = BodyReader.events();
        AtomicInteger cancels = new AtomicInteger();
        reader.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {
                cancels.incrementAndGet();
            }
        });

        reader.fail(new IllegalStateException("closed"));
        reader.cancel();
        reader.cancel();
        reader.close();

        assertThat(cancels).hasValue(1);
    }
}
