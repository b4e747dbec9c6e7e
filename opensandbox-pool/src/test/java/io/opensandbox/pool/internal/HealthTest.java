package io.opensandbox.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Degradation and its backoff, on a clock the test moves by hand. */
class HealthTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void thresholdFailures_degrade_andTheBackoffDoublesUpToItsMaximum() {
        Health health = new Health(2, Duration.ofSeconds(1), Duration.ofSeconds(3));
        long now = 1_000 * SECOND;
        health.failure("first", now);
        assertThat(health.degraded()).isFalse();
        assertThat(health.backoffActive(now)).isFalse();

        health.failure("second", now);
        assertThat(health.degraded()).isTrue();
        assertThat(health.backoffActive(now + SECOND - 1)).isTrue();
        assertThat(health.backoffActive(now + SECOND)).isFalse();

        health.failure("third", now);
        assertThat(health.backoffActive(now + 2 * SECOND - 1)).isTrue();
        assertThat(health.backoffActive(now + 2 * SECOND)).isFalse();

        health.failure("fourth", now);
        health.failure("fifth", now);
        // 4 s and 8 s are capped at 3 s
        assertThat(health.backoffActive(now + 3 * SECOND - 1)).isTrue();
        assertThat(health.backoffActive(now + 3 * SECOND)).isFalse();
        assertThat(health.failures()).isEqualTo(5);
        assertThat(health.lastError()).isEqualTo("fifth");
    }

    @Test
    void oneSuccess_clearsTheDegradationAndItsBackoff() {
        Health health = new Health(1, Duration.ofSeconds(10), Duration.ofSeconds(10));
        health.failure("down", 0);
        assertThat(health.backoffActive(1)).isTrue();
        health.success();
        assertThat(health.degraded()).isFalse();
        assertThat(health.backoffActive(1)).isFalse();
        assertThat(health.failures()).isZero();
        assertThat(health.lastError()).isNull();
        // the next degradation starts from the initial backoff again
        health.failure("down again", 0);
        assertThat(health.backoffActive(10 * SECOND - 1)).isTrue();
        assertThat(health.backoffActive(10 * SECOND)).isFalse();
    }

    @Test
    void storeFailures_neitherDegradeNorBackOff() {
        Health health = new Health(1, Duration.ofSeconds(1), Duration.ofSeconds(1));
        health.storeFailure("redis down");
        assertThat(health.degraded()).isFalse();
        assertThat(health.backoffActive(0)).isFalse();
        assertThat(health.lastError()).isEqualTo("redis down");
    }
}
