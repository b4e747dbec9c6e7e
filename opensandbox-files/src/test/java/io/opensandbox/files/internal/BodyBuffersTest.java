package io.opensandbox.files.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BodyBuffersTest {
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
        BodyBuffers body = new BodyBuffers(8, null);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        assertThat(subscription.requests).containsExactly(8L);

        for (int i = 0; i < 8; i++) {
            body.onNext(buffer(10, i));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(body.readBuffer().get(0)).isEqualTo((byte) i);
        }
        assertThat(subscription.requests).containsExactly(8L);
        body.readBuffer();
        assertThat(subscription.requests).containsExactly(8L, 4L);
        assertThat(body.queuedBytes()).isEqualTo(40);
    }

    @Test
    void deliversEverything_thenNull_atTheEnd() throws IOException {
        BodyBuffers body = new BodyBuffers(4, Duration.ofSeconds(5));
        body.onSubscribe(new Recording());
        body.onNext(buffer(3, 1));
        body.onNext(buffer(5, 2));
        body.onComplete();

        assertThat(body.readBuffer().remaining()).isEqualTo(3);
        assertThat(body.readBuffer().remaining()).isEqualTo(5);
        assertThat(body.readBuffer()).isNull();
    }

    @Test
    void aWaitingReader_getsASmallBuffer_thatTricklesIn() throws Exception {
        BodyBuffers body = new BodyBuffers(64, Duration.ofSeconds(5));
        body.onSubscribe(new Recording());
        CompletableFuture<ByteBuffer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return body.readBuffer();
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
        BodyBuffers body = new BodyBuffers(4, null);
        body.onSubscribe(new Recording());
        body.onError(new IOException("cut"));

        assertThatThrownBy(body::readBuffer).isInstanceOf(IOException.class).hasMessage("cut");
    }

    @Test
    void noDataForTheIdleTimeout_isASocketTimeout_andCancels() {
        BodyBuffers body = new BodyBuffers(4, Duration.ofMillis(100));
        Recording subscription = new Recording();
        body.onSubscribe(subscription);

        assertThatThrownBy(body::readBuffer).isInstanceOf(SocketTimeoutException.class);
        assertThat(subscription.cancelled).isTrue();
    }

    @Test
    void closeBeforeTheEnd_cancels_andWakesAWaitingReader() throws Exception {
        BodyBuffers body = new BodyBuffers(4, null);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.readBuffer();
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
        BodyBuffers body = new BodyBuffers(4, null);
        Recording subscription = new Recording();
        body.onSubscribe(subscription);
        body.onComplete();
        assertThat(body.readBuffer()).isNull();
        body.close();

        assertThat(subscription.cancelled).isFalse();
    }
}
