package io.opensandbox.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Demand towards the transport follows the handlers: a slow handler means no further reads, not a growing buffer. */
@Timeout(60)
class CommandsBackpressureTest {
    private static final int LINES = 500;

    private final ExecutorService io = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-io");
        thread.setDaemon(true);
        return thread;
    });
    private final FakeTransport transport = new FakeTransport();

    @AfterEach
    void tearDown() {
        io.shutdownNow();
    }

    /** A body of one event per buffer, delivered on the fake I/O thread only as far as demanded. */
    final class FakeTransport implements Transport {
        final AtomicLong requested = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public CompletableFuture<TransportResponse> send(TransportRequest request) {
            return CompletableFuture.completedFuture(new EventStreamResponse(FakeTransport.this::subscribe, () -> {}));
        }

        private void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private long demand;
                private int next;

                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                    io.execute(() -> {
                        demand += n;
                        while (demand > 0 && next <= LINES + 1 && !cancelled.get()) {
                            demand--;
                            String event = next == 0
                                    ? Events.init("cmd-bp")
                                    : next <= LINES ? Events.stdout("line " + next) : Events.complete(1);
                            next++;
                            delivered.incrementAndGet();
                            subscriber.onNext(ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)));
                        }
                    });
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void close() {}
    }

    private SandboxHandle sandbox() {
        ConnectionConfig config =
                ConnectionConfig.builder().transport(transport).build();
        Endpoint endpoint = Endpoint.of("127.0.0.1:1", Map.of());
        return DirectHandle.of("sbx-bp", config, endpoint);
    }

    /** Checks at every line that no more than a small window was requested beyond what the handler consumed. */
    final class SlowHandler implements ExecutionHandlers {
        long handled;
        long worstAhead;
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onStdout(OutputMessage message) {
            handled++;
            threads.add(Thread.currentThread().getName());
            worstAhead = Math.max(worstAhead, transport.delivered.get() - handled);
            if (handled % 100 == 0) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void run_withSlowHandler_readsOnlyAsFastAsTheHandlerConsumes() {
        SlowHandler handler = new SlowHandler();

        Execution execution = Commands.of(sandbox())
                .run("x", RunOptions.builder().skipAccumulation(true).build(), handler);

        assertThat(execution.exitCode()).hasValue(0);
        assertThat(handler.handled).isEqualTo(LINES);
        // init + the window of buffers requested ahead of the consumer
        assertThat(handler.worstAhead).isLessThanOrEqualTo(1 + 4 + 1);
        assertThat(transport.requested.get()).isLessThanOrEqualTo(LINES + 2 + 4);
        assertThat(transport.cancelled).isTrue();
    }

    @Test
    void runAsync_withSlowHandler_readsOnlyAsFastAsTheHandlerConsumes() throws Exception {
        SlowHandler handler = new SlowHandler();

        Execution execution = Commands.of(sandbox())
                .runAsync("x", RunOptions.defaults(), handler)
                .get(30, TimeUnit.SECONDS);

        assertThat(execution.stdout()).hasSize(LINES);
        assertThat(handler.worstAhead).isLessThanOrEqualTo(1 + 4 + 1);
        assertThat(handler.threads).noneMatch("fake-io"::equals);
    }
}
