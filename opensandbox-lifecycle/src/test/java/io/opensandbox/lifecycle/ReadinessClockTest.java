package io.opensandbox.lifecycle;

import static io.opensandbox.lifecycle.WireTestSupport.config;
import static io.opensandbox.lifecycle.WireTestSupport.stubExecd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.opensandbox.api.SandboxReadyTimeoutException;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The readiness wait on a fake clock, so that "never overshoots its budget by more than one polling interval" is
 * checked exactly, without timing the test machine: each health check takes a set amount of fake time, and the wait
 * must give up between the budget and the budget plus one interval.
 */
@Timeout(30)
class ReadinessClockTest {
    @RegisterExtension
    static WireMockExtension server = WireTestSupport.server();

    private static Sandbox sandbox;

    /** A clock that moves only when a queued task runs or a check says it took time; checks run inline. */
    private static final class FakeTiming implements Readiness.Timing {
        private record Task(long due, long order, Runnable action) {}

        private final PriorityQueue<Task> tasks =
                new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::order));
        private long now;
        private long order;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public Executor after(long nanos) {
            return action -> tasks.add(new Task(now + nanos, order++, action));
        }

        @Override
        public Executor checks() {
            return Runnable::run;
        }

        void advance(long nanos) {
            now += nanos;
        }

        /** Runs the queued tasks in time order until the wait ended; returns the fake time it ended at. */
        long runUntilDone(CompletableFuture<?> wait) {
            for (int i = 0; i < 1_000_000 && !wait.isDone(); i++) {
                Task next = tasks.poll();
                if (next == null) {
                    break;
                }
                now = Math.max(now, next.due());
                next.action().run();
            }
            assertThat(wait).as("the wait ended").isDone();
            return now;
        }
    }

    @BeforeAll
    static void connect() {
        stubExecd(server, "clock-1");
        sandbox = Sandbox.connector("clock-1").connectionConfig(config(server)).connect();
    }

    @AfterAll
    static void close() {
        sandbox.close();
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Waits with checks that each take {@code checkNanos} and say "not ready"; returns when the wait gave up. */
    private static long giveUpTime(long budgetNanos, long intervalNanos, long checkNanos, AtomicInteger checks) {
        FakeTiming timing = new FakeTiming();
        CompletableFuture<Void> wait = Readiness.await(
                timing, sandbox, Duration.ofNanos(budgetNanos), Duration.ofNanos(intervalNanos), ignored -> {
                    checks.incrementAndGet();
                    timing.advance(checkNanos);
                    return false;
                });
        long end = timing.runUntilDone(wait);
        assertThatThrownBy(wait::join).hasCauseInstanceOf(SandboxReadyTimeoutException.class);
        return end;
    }

    @Test
    void instantChecks_giveUpExactlyAtTheBudget_afterProbingEveryInterval() {
        AtomicInteger checks = new AtomicInteger();

        long end = giveUpTime(ms(1_000), ms(300), 0, checks);

        assertThat(end).isEqualTo(ms(1_000));
        assertThat(checks).hasValue(5); // at 0, 300, 600, 900 and the last at 1,000 ms
    }

    @Test
    void slowChecks_overshootByLessThanOneInterval() {
        AtomicInteger checks = new AtomicInteger();

        long end = giveUpTime(ms(1_000), ms(300), ms(250), checks);

        // checks at 0, 550 and 1,000 ms (each 250 ms long, 300 ms apart), the last ends at 1,250 ms
        assertThat(end).isEqualTo(ms(1_250));
        assertThat(checks).hasValue(3);
    }

    @Test
    void anyBudgetIntervalAndCheckLength_endsWithinTheBudgetPlusOneInterval() {
        Random random = new Random(20261127);
        for (int i = 0; i < 500; i++) {
            long interval = ms(10 + random.nextInt(2_000));
            long budget = ms(1 + random.nextInt(10_000));
            long check = (long) (random.nextDouble() * interval);

            long end = giveUpTime(budget, interval, check, new AtomicInteger());

            assertThat(end)
                    .as("budget %d ms, interval %d ms, check %d ns", budget / 1_000_000, interval / 1_000_000, check)
                    .isBetween(budget, budget + interval);
        }
    }

    @Test
    void aCheckThatTurnsReady_endsTheWaitAtOnce() {
        FakeTiming timing = new FakeTiming();
        AtomicInteger checks = new AtomicInteger();
        CompletableFuture<Void> wait = Readiness.await(
                timing,
                sandbox,
                Duration.ofSeconds(10),
                Duration.ofMillis(200),
                ignored -> checks.incrementAndGet() == 3);

        long end = timing.runUntilDone(wait);

        assertThat(wait).isCompleted().isNotCompletedExceptionally();
        assertThat(end).isEqualTo(ms(400));
    }
}
