package io.opensandbox.transport.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PublisherInputStreamTest {
    /** A publisher that records demand and lets the test push buffers. */
    private static final class Manual implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        Flow.Subscriber<? super ByteBuffer> subscriber;

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
            subscriber.onSubscribe(this);
        }

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }

        void push(String text) {
            subscriber.onNext(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void read_requestsOnlyAWindowAheadOfTheReader() throws IOException {
        Manual body = new Manual();
        PublisherInputStream in = new PublisherInputStream(2, null);
        body.subscribe(in);

        assertThat(body.requested).hasValue(2);
        body.push("ab");
        body.push("cd");
        assertThat(body.requested).hasValue(2);

        byte[] buffer = new byte[2];
        assertThat(in.read(buffer, 0, 2)).isEqualTo(2);
        assertThat(body.requested).hasValue(3);
        body.subscriber.onComplete();
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("cd");
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void read_failsWhenTheBodyFails() {
        Manual body = new Manual();
        PublisherInputStream in = PublisherInputStream.of(body, null);
        body.push("x");
        body.subscriber.onError(new IOException("truncated"));

        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessage("truncated");
    }

    @Test
    void read_timesOutWhenNoDataArrivesAndCancels() {
        Manual body = new Manual();
        PublisherInputStream in = PublisherInputStream.of(body, Duration.ofMillis(50));

        assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        assertThat(body.cancelled).isTrue();
    }

    @Test
    void close_beforeTheEnd_cancelsTheSubscription() {
        Manual body = new Manual();
        PublisherInputStream in = PublisherInputStream.of(body, null);
        body.push("partial");

        in.close();

        assertThat(body.cancelled).isTrue();
    }

    @Test
    void read_whenInterrupted_cancelsAndKeepsTheFlag() {
        Manual body = new Manual();
        PublisherInputStream in = PublisherInputStream.of(body, null);
        Thread.currentThread().interrupt();

        assertThatThrownBy(in::read).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.interrupted()).isTrue();
        assertThat(body.cancelled).isTrue();
    }
}
