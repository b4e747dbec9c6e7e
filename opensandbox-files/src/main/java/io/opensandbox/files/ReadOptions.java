package io.opensandbox.files;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a download runs: an optional byte range, a progress listener and an optional overall time limit.
 * Immutable.
 *
 * <p>Without a time limit a download may take as long as it needs; it is bounded only by the connection config's
 * {@link io.opensandbox.api.ConnectionConfig#streamIdleTimeout() stream idle timeout}: it fails when no byte
 * arrives for that long while the SDK is waiting for data. The config's request timeout bounds only the wait for
 * the response headers.
 */
public final class ReadOptions {
    private static final ReadOptions DEFAULTS = builder().build();

    private final @Nullable ByteRange range;
    private final TransferListener listener;
    private final @Nullable Duration timeout;

    private ReadOptions(Builder builder) {
        this.range = builder.range;
        this.listener = builder.listener;
        this.timeout = builder.timeout;
    }

    /**
     * The defaults: the whole file, no listener, no overall time limit.
     *
     * @return the options
     */
    public static ReadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Options that read only a range of the file.
     *
     * @param range the range
     * @return the options
     */
    public static ReadOptions range(ByteRange range) {
        return builder().range(range).build();
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
     * The byte range to read, if only part of the file is wanted.
     *
     * @return the range, or empty for the whole file
     */
    public Optional<ByteRange> byteRange() {
        return Optional.ofNullable(range);
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
     * The overall time limit of the download, from the call until the last byte was delivered.
     *
     * @return the limit, or empty for none
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public String toString() {
        return "ReadOptions{range=" + range + ", timeout=" + timeout + "}";
    }

    /** Builds {@link ReadOptions}. */
    public static final class Builder {
        private @Nullable ByteRange range;
        private TransferListener listener = TransferListener.NONE;
        private @Nullable Duration timeout;

        private Builder() {}

        /**
         * Reads only a range of the file. The server answers {@code 206 Partial Content}; a range that starts past
         * the end of the file fails with {@link RangeNotSatisfiableException}.
         *
         * @param range the range
         * @return this builder
         */
        public Builder range(ByteRange range) {
            this.range = Objects.requireNonNull(range, "range");
            return this;
        }

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
         * Sets an overall time limit; when it passes the download is aborted and fails with a
         * {@link io.opensandbox.api.SandboxTimeoutException}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = WriteOptions.positive(timeout);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public ReadOptions build() {
            return new ReadOptions(this);
        }
    }
}
