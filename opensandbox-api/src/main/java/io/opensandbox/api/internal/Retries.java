package io.opensandbox.api.internal;

import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** The retry decision of a {@link RetryPolicy}: whether a failed attempt is repeated, and after how long. */
public final class Retries {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    private Retries() {}

    /**
     * Decides whether to repeat a request.
     *
     * @param policy the policy
     * @param method the HTTP method
     * @param failedAttempt the attempt that failed, from 1
     * @param failure why it failed
     * @param replayable whether the request body can be sent again
     * @return the wait before the next attempt, or {@code null} to give up (also when the server's {@code
     *     Retry-After} is longer than {@link RetryPolicy#maxRetryAfter()}: waiting less than it asked would only
     *     be refused again, so the caller gets the exception, with its {@code retryAfter()}, at once)
     */
    public static @Nullable Duration delay(
            RetryPolicy policy, String method, int failedAttempt, SandboxException failure, boolean replayable) {
        if (failedAttempt > policy.maxRetries() || !replayable || !failure.isRetryable()) {
            return null;
        }
        boolean idempotent = IDEMPOTENT.contains(method);
        boolean retry;
        if (failure instanceof ConnectionException connection) {
            retry = idempotent || !connection.requestSent();
        } else if (failure instanceof SandboxTimeoutException) {
            retry = idempotent;
        } else if (failure instanceof SandboxApiException) {
            retry = idempotent || policy.retryNonIdempotentOnStatus();
        } else {
            retry = false;
        }
        if (!retry) {
            return null;
        }
        if (failure instanceof SandboxApiException api && api.retryAfter().isPresent()) {
            Duration asked = api.retryAfter().get();
            return asked.compareTo(policy.maxRetryAfter()) > 0 ? null : asked;
        }
        return backoff(policy, failedAttempt);
    }

    /**
     * Exponential backoff with jitter: a random wait between half and all of {@code initial * 2^(attempt-1)},
     * capped.
     *
     * @param policy the policy
     * @param failedAttempt the attempt that failed, from 1
     * @return the wait
     */
    static Duration backoff(RetryPolicy policy, int failedAttempt) {
        long initial = policy.initialBackoff().toNanos();
        long cap = policy.maxBackoff().toNanos();
        long full = initial;
        for (int i = 1; i < failedAttempt && full < cap; i++) {
            full = full * 2;
        }
        full = Math.min(full, cap);
        long half = full / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(full - half + 1));
    }
}
