package io.opensandbox.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Once {@code POST /command} was sent the command may be running: a failure after that point must close the
 * response, and out-of-range durations must fail before anything is sent.
 */
@Timeout(30)
class CommandsRunPathTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);

    /** Answers every request with a 200 whose body fails when subscribed, counting sends and closes. */
    static final class BrokenBodyTransport implements Transport {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public CompletableFuture<TransportResponse> send(TransportRequest request) {
            sent.incrementAndGet();
            return CompletableFuture.completedFuture(new EventStreamResponse(
                    subscriber -> {
                        throw new IllegalStateException("transport bug: body cannot be subscribed");
                    },
                    closed::incrementAndGet));
        }

        @Override
        public String name() {
            return "broken-body";
        }

        @Override
        public void close() {}
    }

    private final BrokenBodyTransport transport = new BrokenBodyTransport();

    private Commands commands() {
        ConnectionConfig config =
                ConnectionConfig.builder().transport(transport).build();
        Endpoint endpoint = Endpoint.of("127.0.0.1:1", Map.of());
        return Commands.of(DirectHandle.of("sbx-run-path", config, endpoint));
    }

    @Test
    void run_whenTheBodyFailsAfterTheRequestWasSent_closesTheResponse() {
        assertThatThrownBy(() -> commands().run("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transport bug");
        assertThat(transport.sent).hasValue(1);
        assertThat(transport.closed).hasValue(1);
    }

    @Test
    void runAsync_whenTheBodyFailsAfterTheRequestWasSent_failsTheFutureAndClosesTheResponse() {
        CompletableFuture<Execution> future = commands().runAsync("x", RunOptions.defaults(), ExecutionHandlers.NONE);

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("transport bug: body cannot be subscribed");
        assertThat(transport.sent).hasValue(1);
        assertThat(transport.closed).hasValue(1);
    }

    @Test
    void run_withHugeDurations_isRejectedBeforeAnyRequest() {
        Commands commands = commands();

        assertThatThrownBy(() ->
                        commands.run("x", RunOptions.builder().timeout(HUGE).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() ->
                        commands.run("x", RunOptions.builder().idleTimeout(HUGE).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> commands.followBackgroundCommand("c1", text -> {}, HUGE))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("maxPollInterval must be from 50 ms to one day");
        assertThatThrownBy(() -> commands.followBackgroundCommand(
                        "c1", text -> {}, Duration.ofDays(1).plusNanos(1)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(transport.sent).hasValue(0);
    }
}
