package io.opensandbox.commands.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.RunOptions;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Draining on the caller's thread takes any idle timeout, however long, without an arithmetic failure. */
@Timeout(30)
class BodyPumpTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    /** Records what reached it. */
    static final class Recording extends BodyPump {
        final List<String> consumed = new ArrayList<>();
        final CompletableFuture<@Nullable Throwable> end = new CompletableFuture<>();

        Recording() {
            super(null, 2);
        }

        @Override
        protected boolean consume(ByteBuffer buffer) {
            consumed.add(StandardCharsets.UTF_8.decode(buffer).toString());
            return false;
        }

        @Override
        protected void completed() {
            end.complete(null);
        }

        @Override
        protected void ended(@Nullable Throwable failure) {
            end.complete(failure);
        }
    }

    private static Flow.Subscription noop() {
        return new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        };
    }

    @Test
    void drainBlocking_withAnIdleTimeoutTooLongForNanoseconds_waitsForLateData() throws Exception {
        Recording pump = new Recording();
        pump.onSubscribe(noop());
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            pump.onNext(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8)));
            pump.onComplete();
        });
        producer.start();

        pump.drainBlocking(HUGE);

        producer.join();
        assertThat(pump.consumed).containsExactly("late");
        assertThat(pump.end.get(1, TimeUnit.SECONDS)).isNull();
        assertThat(pump.isFinished()).isTrue();
    }

    @Test
    void drainBlocking_withANegativeIdleTimeout_timesOutRightAway() throws Exception {
        Recording pump = new Recording();
        pump.onSubscribe(noop());

        pump.drainBlocking(HUGE.negated());

        assertThat(pump.end.get(1, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void executionCall_withAnIdleTimeoutTooLongForMilliseconds_stillDescribesTheTimeout() throws Exception {
        ExecutionCall call = new ExecutionCall(
                null,
                ExecutionHandlers.NONE,
                false,
                RunOptions.DEFAULT_MAX_RETAINED_OUTPUT,
                false,
                HUGE,
                "POST /command");
        call.onSubscribe(noop());
        call.fail(new SocketTimeoutException("stuck"));

        call.drainBlocking(HUGE);

        assertThat(call.result())
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(SandboxTimeoutException.class)
                .withMessageContaining("idle timeout (" + Long.MAX_VALUE + " ms)");
    }

    @Test
    void subscribeTo_givesEachBufferBackToTheResponseOnceConsumed() throws Exception {
        Recording pump = new Recording();
        List<ByteBuffer> released = new ArrayList<>();
        List<ByteBuffer> sent = List.of(
                ByteBuffer.wrap("a".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("b".getBytes(StandardCharsets.UTF_8)));
        TransportResponse response = new TransportResponse() {
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
                    subscriber.onSubscribe(noop());
                    sent.forEach(subscriber::onNext);
                    subscriber.onComplete();
                };
            }

            @Override
            public void releaseBuffer(ByteBuffer buffer) {
                assertThat(pump.consumed)
                        .as("released only after it was consumed")
                        .hasSize(released.size() + 1);
                released.add(buffer);
            }

            @Override
            public void close() {}
        };

        pump.subscribeTo(response);
        pump.drainBlocking(Duration.ofSeconds(5));

        assertThat(pump.consumed).containsExactly("a", "b");
        assertThat(released).containsExactlyElementsOf(sent);
    }
}
