package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void ordinaryDurations_convertExactly() {
        Duration value = Duration.ofSeconds(90, 123_456_789);

        assertThat(Durations.toNanosSaturated(value)).isEqualTo(value.toNanos());
        assertThat(Durations.toMillisSaturated(value)).isEqualTo(value.toMillis());
        assertThat(Durations.toMillisSaturated(Duration.ofNanos(-1)))
                .isEqualTo(Duration.ofNanos(-1).toMillis());
        assertThat(Durations.toNanosSaturated(Duration.ZERO)).isZero();
    }

    @Test
    void theLimitsThemselves_convertExactly() {
        assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
        assertThat(Durations.toMillisSaturated(Duration.ofMillis(Long.MAX_VALUE)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.toMillisSaturated(Duration.ofMillis(Long.MIN_VALUE)))
                .isEqualTo(Long.MIN_VALUE);
        assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MAX_VALUE - 1)))
                .isEqualTo(Long.MAX_VALUE - 1);
    }

    @Test
    void durationsTooLong_saturateInsteadOfThrowing() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        Duration tiny = Duration.ofSeconds(Long.MIN_VALUE);

        assertThat(Durations.toNanosSaturated(huge)).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.toMillisSaturated(huge)).isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.toNanosSaturated(tiny)).isEqualTo(Long.MIN_VALUE);
        assertThat(Durations.toMillisSaturated(tiny)).isEqualTo(Long.MIN_VALUE);
        assertThat(Durations.toNanosSaturated(Duration.ofNanos(Long.MAX_VALUE).plusNanos(1)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(Durations.toMillisSaturated(Duration.ofMillis(Long.MAX_VALUE).plusMillis(1)))
                .isEqualTo(Long.MAX_VALUE);
    }
}
