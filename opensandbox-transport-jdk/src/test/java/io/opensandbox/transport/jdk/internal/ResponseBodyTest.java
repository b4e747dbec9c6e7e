package io.opensandbox.transport.jdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.internal.Threads;
import io.opensandbox.api.internal.Timer;
import io.opensandbox.transport.tck.BodyCollector;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The body from the JDK's lists of buffers to the SPI's publisher of buffers, against a scripted source. */
class ResponseBodyTest {
    private final Timer timer = new Timer(new Threads("opensandbox-jdk-", "test-timer"));
    private final AtomicInteger ends = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void listsOfSeveralBuffers_areDeliveredOneBufferPerDemand_askingTheSourceOnlyWhenAllWereDelivered() {
        Source source = new Source(3);
        ResponseBody body = body(source, null);
        BodyCollector collector = new BodyCollector(1, false);
        body.subscribe(collector);
        assertThat(collector.buffers()).isEqualTo(1);
        assertThat(source.requested.get()).isEqualTo(1);

        collector.request(2); // served from the list already held
        assertThat(collector.buffers()).isEqualTo(3);
        assertThat(source.requested.get())
                .as("no list asked for while buffers were held")
                .isEqualTo(1);

        collector.request(1); // the held list is used up: one more list, one buffer of it delivered
        assertThat(collector.buffers()).isEqualTo(4);
        assertThat(source.requested.get()).isEqualTo(2);

        collector.request(Long.MAX_VALUE);
        assertThat(collector.done()).isCompleted();
        assertThat(collector.bytes()).isEqualTo(3L * 3 * 10);
        assertThat(collector.violation()).isNull();
        assertThat(ends.get()).isEqualTo(1);
    }

    @Test
    void cancel_cancelsTheSource_andNothingFollows() {
        Source source = new Source(3);
        ResponseBody body = body(source, null);
        BodyCollector collector = new BodyCollector(1, false);
        body.subscribe(collector);
        collector.cancel();
        assertThat(source.cancelled).isTrue();
        assertThat(collector.done()).isNotDone();
        assertThat(ends.get()).isEqualTo(1);
    }

    @Test
    void aSourceFailure_reachesTheSubscriberAsAnIOException() throws Exception {
        Source source = new Source(3);
        source.failAfter = 1;
        ResponseBody body = body(source, null);
        BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
        body.subscribe(collector);
        assertThat(failure(collector)).isInstanceOf(IOException.class).hasMessage("truncated");
        assertThat(collector.violation()).isNull();
    }

    @Test
    void aSecondSubscriber_isRefused() throws Exception {
        ResponseBody body = body(new Source(1), null);
        body.subscribe(new BodyCollector(0, false));
        BodyCollector second = new BodyCollector(1, false);
        body.subscribe(second);
        assertThat(failure(second)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void abortBeforeSubscribing_cancelsTheSource_andFailsTheLateSubscriber() throws Exception {
        Source source = new Source(1);
        ResponseBody body = body(source, null);
        body.abort(new IOException("closed"));
        assertThat(source.cancelled).as("cancelled, releasing the connection").isTrue();
        assertThat(ends.get()).isEqualTo(1);
        BodyCollector late = new BodyCollector(Long.MAX_VALUE, false);
        body.subscribe(late);
        assertThat(failure(late)).hasMessage("closed");
        assertThat(ends.get()).isEqualTo(1);
    }

    @Test
    @Timeout(20)
    void idleTimeout_firesWhileTheSubscriberWaits_butNeverWithoutDemand() throws Exception {
        Source silent = new Source(1);
        silent.silent = true;
        ResponseBody patient = body(silent, Duration.ofMillis(50));
        BodyCollector noDemand = new BodyCollector(0, false);
        patient.subscribe(noDemand);
        Thread.sleep(300); // six idle timeouts without demand
        assertThat(noDemand.done()).isNotDone();
        assertThat(silent.requested.get()).isZero();

        noDemand.request(1); // now the subscriber waits for the network, which stays silent
        assertThat(failure(noDemand)).isInstanceOf(SocketTimeoutException.class);
        assertThat(silent.cancelled).isTrue();
    }

    /** A body fed by the source, as the JDK client feeds it once the headers arrived. */
    private ResponseBody body(Source source, @Nullable Duration idle) {
        ResponseBody body = new ResponseBody(idle, timer, ends::incrementAndGet);
        source.subscribe(body.jdkSubscriber());
        return body;
    }

    private static Throwable failure(BodyCollector collector) throws Exception {
        try {
            collector.done().get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Delivers three lists of {@code perList} 10-byte buffers, one per request, synchronously. */
    private static final class Source implements Flow.Publisher<List<ByteBuffer>> {
        final int perList;
        final AtomicLong requested = new AtomicLong();
        volatile boolean cancelled;
        volatile boolean silent;
        int failAfter = -1;

        Source(int perList) {
            this.perList = perList;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private int sent;
                private boolean done;

                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                    if (silent || done) {
                        return;
                    }
                    for (long i = 0; i < n && !done; i++) {
                        if (sent == failAfter) {
                            done = true;
                            subscriber.onError(new IOException("truncated"));
                            return;
                        }
                        ByteBuffer[] buffers = new ByteBuffer[perList];
                        for (int b = 0; b < perList; b++) {
                            buffers[b] = ByteBuffer.wrap(new byte[10]);
                        }
                        subscriber.onNext(List.of(buffers));
                        if (++sent == 3) {
                            done = true;
                            subscriber.onComplete();
                        }
                    }
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    done = true;
                }
            });
        }
    }
}
