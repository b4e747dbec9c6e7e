package io.opensandbox.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every duration of {@link RunOptions} is checked by build(), with an InvalidArgumentException and never overflow. */
class RunOptionsTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);
    private static final Duration NANO = Duration.ofNanos(1);

    @Test
    void timeout_ofLongMaxSeconds_isInvalidNotAnArithmeticFailure() {
        assertThatThrownBy(() -> RunOptions.builder().timeout(HUGE).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("timeout")
                .hasMessageContaining("from 1 ms to 3650 days");
    }

    @Test
    void timeout_isAcceptedFromOneMillisecondToTheMaximum() {
        assertThat(RunOptions.builder().timeout(RunOptions.MIN_TIMEOUT).build().timeout())
                .contains(Duration.ofMillis(1));
        assertThat(RunOptions.builder().timeout(RunOptions.MAX_TIMEOUT).build().timeout())
                .contains(Duration.ofDays(3650));
    }

    @Test
    void timeout_outsideTheRange_isInvalid() {
        for (Duration bad : new Duration[] {
            Duration.ZERO,
            Duration.ofMillis(-1),
            HUGE.negated(),
            RunOptions.MIN_TIMEOUT.minus(NANO),
            RunOptions.MAX_TIMEOUT.plus(NANO),
            Duration.ofMillis(Long.MAX_VALUE)
        }) {
            assertThatThrownBy(() -> RunOptions.builder().timeout(bad).build())
                    .as("timeout %s", bad)
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("timeout must be from 1 ms to 3650 days")
                    .hasMessageContaining(bad.toString());
        }
    }

    @Test
    void timeout_maximum_fitsInMillisecondsAndGoNanoseconds() {
        long millis = RunOptions.MAX_TIMEOUT.toMillis();
        // execd takes int64 milliseconds; a Go time.Duration of them is int64 nanoseconds
        assertThat(Math.multiplyExact(millis, 1_000_000L)).isPositive();
    }

    @Test
    void idleTimeout_ofLongMaxSeconds_isInvalidNotAnArithmeticFailure() {
        assertThatThrownBy(() -> RunOptions.builder().idleTimeout(HUGE).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("idleTimeout")
                .hasMessageContaining("at most one day");
    }

    @Test
    void idleTimeout_isAcceptedUpToTheConnectionConfigMaximum() {
        assertThat(RunOptions.MAX_IDLE_TIMEOUT).isEqualTo(ConnectionConfig.MAX_TIMEOUT);
        assertThat(RunOptions.builder().idleTimeout(NANO).build().idleTimeout()).contains(NANO);
        assertThat(RunOptions.builder()
                        .idleTimeout(RunOptions.MAX_IDLE_TIMEOUT)
                        .build()
                        .idleTimeout())
                .contains(Duration.ofDays(1));
    }

    @Test
    void idleTimeout_outsideTheRange_isInvalid() {
        for (Duration bad :
                new Duration[] {Duration.ZERO, NANO.negated(), HUGE.negated(), RunOptions.MAX_IDLE_TIMEOUT.plus(NANO)
                }) {
            assertThatThrownBy(() -> RunOptions.builder().idleTimeout(bad).build())
                    .as("idleTimeout %s", bad)
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("idleTimeout must be positive and at most one day")
                    .hasMessageContaining(bad.toString());
        }
    }

    @Test
    void toBuilder_keepsValidDurationsValid() {
        RunOptions options = RunOptions.builder()
                .timeout(RunOptions.MAX_TIMEOUT)
                .idleTimeout(RunOptions.MAX_IDLE_TIMEOUT)
                .interruptOnCancel(true)
                .build();

        RunOptions copy = options.toBuilder().interruptOnCancel(false).build();

        assertThat(copy.timeout()).isEqualTo(options.timeout());
        assertThat(copy.idleTimeout()).isEqualTo(options.idleTimeout());
    }
}
