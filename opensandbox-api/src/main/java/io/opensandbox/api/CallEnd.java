package io.opensandbox.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The end of one SDK call, as told to a {@link CallObserver}: how it ended, how many attempts it took, the last
 * HTTP status, the bytes moved and how long it took. Immutable; holds no secret.
 */
public final class CallEnd {
    private final CallStart start;
    private final CallOutcome outcome;
    private final int attempts;
    private final int status;
    private final long bytesSent;
    private final long bytesReceived;
    private final Duration duration;
    private final @Nullable SandboxException failure;

    private CallEnd(Builder builder) {
        this.start = builder.start;
        this.outcome = builder.outcome;
        this.attempts = builder.attempts;
        this.status = builder.status;
        this.bytesSent = builder.bytesSent;
        this.bytesReceived = builder.bytesReceived;
        this.duration = builder.duration;
        this.failure = builder.failure;
    }

    /**
     * Starts the end of the given call; the SDK's own modules build these.
     *
     * @param start the call's start
     * @param outcome how it ended
     * @param duration how long it took, from {@link CallListener#callStarted(CallStart)} to the end
     * @return a builder
     */
    public static Builder builder(CallStart start, CallOutcome outcome, Duration duration) {
        return new Builder(start, outcome, duration);
    }

    /**
     * The operation's name, as in {@link CallStart#operation()}.
     *
     * @return the name
     */
    public String operation() {
        return start.operation();
    }

    /**
     * The sandbox the call was about, as in {@link CallStart#sandboxId()}.
     *
     * @return the sandbox id, when the call was about one sandbox
     */
    public Optional<String> sandboxId() {
        return start.sandboxId();
    }

    /**
     * How the call ended.
     *
     * @return the outcome
     */
    public CallOutcome outcome() {
        return outcome;
    }

    /**
     * How many requests were sent: 1, or more when the call was retried; 0 when it failed before sending.
     *
     * @return the number of attempts
     */
    public int attempts() {
        return attempts;
    }

    /**
     * How many times the call was retried.
     *
     * @return {@code max(attempts - 1, 0)}
     */
    public int retries() {
        return Math.max(attempts - 1, 0);
    }

    /**
     * The HTTP status of the last response.
     *
     * @return the status, when a response arrived
     */
    public OptionalInt status() {
        return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
    }

    /**
     * Body bytes sent (uploads, JSON requests).
     *
     * @return the count
     */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Body bytes received (downloads, streamed output, JSON responses).
     *
     * @return the count
     */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * How long the call took.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    /**
     * Why the call failed.
     *
     * @return the exception, when the outcome is {@link CallOutcome#FAILURE} (or a cancellation the SDK reported
     *     as an exception)
     */
    public Optional<SandboxException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return "CallEnd{operation="
                + operation()
                + ", sandboxId="
                + start.sandboxId().orElse(null)
                + ", outcome="
                + outcome
                + ", attempts="
                + attempts
                + ", status="
                + (status > 0 ? status : "<none>")
                + ", bytesSent="
                + bytesSent
                + ", bytesReceived="
                + bytesReceived
                + ", duration="
                + duration
                + ", failure="
                + (failure == null ? "<none>" : failure.getClass().getSimpleName())
                + "}";
    }

    /** Builds a {@link CallEnd}. Not thread-safe. */
    public static final class Builder {
        private final CallStart start;
        private final CallOutcome outcome;
        private final Duration duration;
        private int attempts;
        private int status;
        private long bytesSent;
        private long bytesReceived;
        private @Nullable SandboxException failure;

        private Builder(CallStart start, CallOutcome outcome, Duration duration) {
            this.start = Objects.requireNonNull(start, "start");
            this.outcome = Objects.requireNonNull(outcome, "outcome");
            this.duration = Objects.requireNonNull(duration, "duration");
        }

        /**
         * Sets the number of attempts.
         *
         * @param attempts requests sent, at least 0
         * @return this builder
         */
        public Builder attempts(int attempts) {
            this.attempts = Math.max(attempts, 0);
            return this;
        }

        /**
         * Sets the last response's HTTP status.
         *
         * @param status the status; 0 or less for none
         * @return this builder
         */
        public Builder status(int status) {
            this.status = Math.max(status, 0);
            return this;
        }

        /**
         * Sets the body bytes sent.
         *
         * @param bytesSent the count
         * @return this builder
         */
        public Builder bytesSent(long bytesSent) {
            this.bytesSent = Math.max(bytesSent, 0);
            return this;
        }

        /**
         * Sets the body bytes received.
         *
         * @param bytesReceived the count
         * @return this builder
         */
        public Builder bytesReceived(long bytesReceived) {
            this.bytesReceived = Math.max(bytesReceived, 0);
            return this;
        }

        /**
         * Sets why the call failed.
         *
         * @param failure the exception, or {@code null}
         * @return this builder
         */
        public Builder failure(@Nullable SandboxException failure) {
            this.failure = failure;
            return this;
        }

        /**
         * Builds the end.
         *
         * @return the end
         */
        public CallEnd build() {
            return new CallEnd(this);
        }
    }
}
