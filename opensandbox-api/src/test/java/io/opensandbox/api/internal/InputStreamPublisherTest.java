package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InputStreamPublisherTest {
    @Test
    void publish_readsOnlyAsMuchAsRequested_thenCompletesAndCloses() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        InputStream input = new ByteArrayInputStream(new byte[10]) {
            @Override
            public int read(byte[] b, int off, int len) {
                reads.incrementAndGet();
                return super.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                closes.incrementAndGet();
                super.close();
            }
        };
        AtomicLong progress = new AtomicLong();
        InputStreamPublisher publisher = new InputStreamPublisher(input, 4, Runnable::run, progress::set);
        List<Integer> sizes = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Flow.Subscription[] subscription = new Flow.Subscription[1];

        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
            }

            @Override
            public void onNext(ByteBuffer item) {
                sizes.add(item.remaining());
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });

        assertThat(reads).hasValue(0);
        subscription[0].request(1);
        assertThat(sizes).containsExactly(4);
        subscription[0].request(5);
        done.get();

        assertThat(sizes).containsExactly(4, 4, 2);
        assertThat(progress).hasValue(10);
        assertThat(closes.get()).isPositive();
    }

    @Test
    void publish_whenTheStreamFails_signalsTheError() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        };
        CompletableFuture<Void> done = new CompletableFuture<>();
        new InputStreamPublisher(failing, 8, Runnable::run, n -> {}).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {}

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });

        assertThat(done).isCompletedExceptionally();
    }
}
