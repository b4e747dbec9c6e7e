package io.opensandbox.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When and how the SDK repeats a failed request. Immutable; the default is {@link #defaults()}.
 *
 * <ul>
 *   <li>Idempotent requests ({@code GET}, {@code HEAD}, {@code PUT}, {@code DELETE}) are repeated after a status of
 *       408, 425, 429, 500, 502, 503 or 504, a connection failure or a timeout.
 *   <li>{@code POST} and {@code PATCH} are repeated only when the request provably never reached the server
 *       (connection refused, failure before the first byte was written) — never after a status, unless
 *       {@link Builder#retryNonIdempotentOnStatus(boolean)} opts in.
 *   <li>A request whose body is a stream is never repeated; neither is a stream once its response arrived, so no
 *       event is ever delivered twice.
 *   <li>The wait is the server's {@code Retry-After}, else an exponential backoff from {@link #initialBackoff()}
 *       doubling up to {@link #maxBackoff()}, with jitter (a random wait between half and all of it).
 *   <li>A {@code Retry-After} longer than {@link #maxRetryAfter()} is not waited for at all: the exception is thrown
 *       at once, with {@link SandboxApiException#retryAfter()} set, so the caller decides (asking again sooner than
 *       the server said would only be refused again).
 *   <li>With {@link ConnectionConfig#callTimeout()} set, the whole call (every attempt and every wait) ends within
 *       it: a retry whose wait would end after it is not made, and the failure that prompted it is thrown at once.
 * </ul>
 *
 * <p><b>Worst case of the defaults</b>, without a call timeout: 4 attempts (the first and 3 retries), each waiting
 * up to {@link ConnectionConfig#requestTimeout()} (30 s) for the response headers, and 3 waits of at most 60 s (a
 * {@code Retry-After} at the cap; the backoff alone waits at most 0.5 + 1 + 2 s): 4 x 30 s + 3 x 60 s = 5 minutes
 * before the exception. Set {@link ConnectionConfig.Builder#callTimeout(java.time.Duration)} to bound that, or lower
 * {@link Builder#maxRetries(int)} and {@link Builder#maxRetryAfter(Duration)}.
 *
 * <p>The exception finally thrown tells how many attempts were made ({@link SandboxException#attempts()}).
 */
public final class RetryPolicy {
    private static final RetryPolicy DEFAULTS = builder().build();
    private static final RetryPolicy DISABLED = builder().maxRetries(0).build();

    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final boolean retryNonIdempotentOnStatus;
    private final @Nullable RetryListener listener;

    private RetryPolicy(Builder builder) {
        this.maxRetries = builder.maxRetries;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.maxRetryAfter = builder.maxRetryAfter;
        this.retryNonIdempotentOnStatus = builder.retryNonIdempotentOnStatus;
        this.listener = builder.listener;
    }

    /**
     * At most 3 retries, backoff from 500 ms doubling up to 30 s, {@code Retry-After} honoured up to 60 s (a longer
     * one fails at once); at worst 5 minutes per call without a call timeout (see the class documentation).
     *
     * @return the default policy
     */
    public static RetryPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * No retries: every failure is thrown at once.
     *
     * @return the policy
     */
    public static RetryPolicy disabled() {
        return DISABLED;
    }

    /**
     * Starts a policy from the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How many times a request is repeated at most (0 = never).
     *
     * @return the retries
     */
    public int maxRetries() {
        return maxRetries;
    }

    /**
     * The wait before the first retry, before jitter.
     *
     * @return the initial backoff
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * The longest backoff between two attempts.
     *
     * @return the cap
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The longest {@code Retry-After} waited for; when the server asks for longer, the call fails at once with the
     * exception (its {@link SandboxApiException#retryAfter()} set) instead of waiting.
     *
     * @return the cap
     */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /**
     * Whether {@code POST} and {@code PATCH} are repeated after a retryable status too.
     *
     * @return whether non-idempotent requests are retried on status
     */
    public boolean retryNonIdempotentOnStatus() {
        return retryNonIdempotentOnStatus;
    }

    /**
     * The hook told before each retry.
     *
     * @return the listener, if one is set
     */
    public Optional<RetryListener> listener() {
        return Optional.ofNullable(listener);
    }

    @Override
    public String toString() {
        return maxRetries == 0
                ? "RetryPolicy{disabled}"
                : "RetryPolicy{maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                        + maxBackoff + ", maxRetryAfter=" + maxRetryAfter + ", retryNonIdempotentOnStatus="
                        + retryNonIdempotentOnStatus + "}";
    }

    /** Told before the SDK repeats a request. Runs on an SDK thread: keep it short. */
    @FunctionalInterface
    public interface RetryListener {

        /**
         * A request failed and will be repeated.
         *
         * @param request the method and path, for example {@code GET /sandboxes/abc}
         * @param failedAttempt the attempt that failed, from 1
         * @param delay the wait before the next attempt
         * @param failure why it failed
         */
        void onRetry(String request, int failedAttempt, Duration delay, SandboxException failure);
    }

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private boolean retryNonIdempotentOnStatus;
        private @Nullable RetryListener listener;

        private Builder() {}

        /**
         * Sets the most retries (default 3).
         *
         * @param maxRetries 0 to 10
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 10) {
                throw new InvalidArgumentException("maxRetries must be between 0 and 10, not " + maxRetries, null);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * Sets the first backoff (default 500 ms).
         *
         * @param initialBackoff a positive duration
         * @return this builder
         */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * Sets the backoff cap (default 30 s).
         *
         * @param maxBackoff a positive duration
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * Sets the cap on the server's {@code Retry-After} (default 60 s).
         *
         * @param maxRetryAfter a positive duration
         * @return this builder
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = positive(maxRetryAfter, "maxRetryAfter");
            return this;
        }

        /**
         * Also repeats {@code POST} and {@code PATCH} after a retryable status (default off: the server may
         * have acted on the first attempt).
         *
         * @param retry whether to opt in
         * @return this builder
         */
        public Builder retryNonIdempotentOnStatus(boolean retry) {
            this.retryNonIdempotentOnStatus = retry;
            return this;
        }

        /**
         * Sets a hook told before each retry.
         *
         * @param listener the hook
         * @return this builder
         */
        public Builder onRetry(RetryListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofHours(1)) > 0) {
                throw new InvalidArgumentException(name + " must be between 0 and 1 hour, not " + value, null);
            }
            return value;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         */
        public RetryPolicy build() {
            if (maxBackoff.compareTo(initialBackoff) < 0) {
                throw new InvalidArgumentException("maxBackoff must not be shorter than initialBackoff", null);
            }
            return new RetryPolicy(this);
        }
    }
}
