package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetriesTest {
    private static final RetryPolicy POLICY = RetryPolicy.defaults();
    private static final SandboxError ERROR = new SandboxError("X", "y");

    private static SandboxException failure(String kind) {
        switch (kind) {
            case "refused":
                return new ConnectionException("refused", null, false);
            case "reset":
                return new ConnectionException("reset", null, true);
            case "timeout":
                return new SandboxTimeoutException("slow", null);
            case "invalid":
                return new InvalidArgumentException("bad", null);
            default:
                return new SandboxApiException(Integer.parseInt(kind), ERROR, null);
        }
    }

    @ParameterizedTest(name = "{0} after {1}: retry={2}")
    @CsvSource({
        "GET, 500, true",
        "GET, 502, true",
        "GET, 503, true",
        "GET, 504, true",
        "GET, 408, true",
        "GET, 425, true",
        "GET, 429, true",
        "GET, 404, false",
        "GET, 400, false",
        "GET, 507, false",
        "GET, refused, true",
        "GET, reset, true",
        "GET, timeout, true",
        "GET, invalid, false",
        "DELETE, 503, true",
        "PUT, reset, true",
        "POST, 503, false",
        "POST, 429, false",
        "POST, refused, true",
        "POST, reset, false",
        "POST, timeout, false",
        "PATCH, 502, false",
        "PATCH, refused, true",
    })
    void delay_followsTheMethodAndTheFailure(String method, String kind, boolean retry) {
        Duration delay = Retries.delay(POLICY, method, 1, failure(kind), true);

        assertThat(delay != null).isEqualTo(retry);
    }

    @Test
    void delay_neverRepeatsAStreamedBodyOrPastTheLimit() {
        assertThat(Retries.delay(POLICY, "GET", 1, failure("503"), false)).isNull();
        assertThat(Retries.delay(POLICY, "GET", 3, failure("503"), true)).isNotNull();
        assertThat(Retries.delay(POLICY, "GET", 4, failure("503"), true)).isNull();
        assertThat(Retries.delay(RetryPolicy.disabled(), "GET", 1, failure("503"), true))
                .isNull();
    }

    @Test
    void delay_optInRepeatsPostAfterAStatus() {
        RetryPolicy optIn =
                RetryPolicy.builder().retryNonIdempotentOnStatus(true).build();

        assertThat(Retries.delay(optIn, "POST", 1, failure("503"), true)).isNotNull();
        assertThat(Retries.delay(optIn, "POST", 1, failure("404"), true)).isNull();
    }

    @Test
    void delay_honoursRetryAfterUpToTheCap() {
        SandboxException in5 = new RateLimitedException(429, ERROR, null, Duration.ofSeconds(5));
        SandboxException in60 = new SandboxApiException(503, ERROR, null, Duration.ofSeconds(60));

        assertThat(Retries.delay(POLICY, "GET", 1, in5, true)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Retries.delay(POLICY, "GET", 1, in60, true)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void delay_givesUpAtOnceWhenRetryAfterIsBeyondTheCap() {
        SandboxException in61 = new SandboxApiException(503, ERROR, null, Duration.ofSeconds(61));
        SandboxException inTenYears = new RateLimitedException(429, ERROR, null, Duration.ofSeconds(315_360_000));

        assertThat(Retries.delay(POLICY, "GET", 1, in61, true)).isNull();
        assertThat(Retries.delay(POLICY, "GET", 1, inTenYears, true)).isNull();
    }

    @Test
    void backoff_growsExponentiallyWithJitterAndIsCapped() {
        for (int i = 0; i < 200; i++) {
            assertThat(Retries.backoff(POLICY, 1)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
            assertThat(Retries.backoff(POLICY, 2)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
            assertThat(Retries.backoff(POLICY, 3)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
            assertThat(Retries.backoff(POLICY, 10)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
    }

    @Test
    void policy_rejectsAbsurdSettings() {
        Assertions.assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1))
                .isInstanceOf(InvalidArgumentException.class);
        Assertions.assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(11))
                .isInstanceOf(InvalidArgumentException.class);
        Assertions.assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ZERO))
                .isInstanceOf(InvalidArgumentException.class);
        Assertions.assertThatThrownBy(() -> RetryPolicy.builder()
                        .initialBackoff(Duration.ofSeconds(10))
                        .maxBackoff(Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(InvalidArgumentException.class);
    }
}
