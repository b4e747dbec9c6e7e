package io.opensandbox.files;

import io.opensandbox.api.InvalidArgumentException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How an upload runs: a progress listener and an optional overall time limit. Immutable.
 *
 * <p>Without a time limit an upload may take as long as it needs; it is bounded only by the connection config's
 * {@link io.opensandbox.api.ConnectionConfig#streamIdleTimeout() stream idle timeout}: it fails when no byte moves
 * for that long. The config's request timeout never applies to a transfer.
 */
public final class WriteOptions {
    private static final WriteOptions DEFAULTS = builder().build();

    private final TransferListener listener;
    private final @Nullable Duration timeout;

    private WriteOptions(Builder builder) {
        this.listener = builder.listener;
        this.timeout = builder.timeout;
    }

    /**
     * The defaults: no listener, no overall time limit.
     *
     * @return the options
     */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts options.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The progress listener.
     *
     * @return the listener, {@link TransferListener#NONE} by default
     */
    public TransferListener listener() {
        return listener;
    }

    /**
     * The overall time limit of the upload, from the call to the server's answer.
     *
     * @return the limit, or empty for none
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public String toString() {
        return "WriteOptions{timeout=" + timeout + "}";
    }

    /** Builds {@link WriteOptions}. */
    public static final class Builder {
        private TransferListener listener = TransferListener.NONE;
        private @Nullable Duration timeout;

        private Builder() {}

        /**
         * Sets the progress listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets an overall time limit; when it passes the upload is aborted and fails with a
         * {@link io.opensandbox.api.SandboxTimeoutException}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public WriteOptions build() {
            return new WriteOptions(this);
        }
    }

    static Duration positive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidArgumentException("timeout must be positive, got " + timeout, null);
        }
        return timeout;
    }
}
