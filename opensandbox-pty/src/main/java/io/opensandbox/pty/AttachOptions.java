package io.opensandbox.pty;

import java.time.Duration;
import java.util.Objects;

/**
 * How to attach to a session. Immutable; made with {@link #builder()}. {@link #defaults()} replays everything
 * execd still holds (from offset 0), refuses a session attached elsewhere, and leaves the terminal size alone.
 */
public final class AttachOptions {
    /** The default bound on the handshake and on the wait for execd's {@code connected} frame. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private static final AttachOptions DEFAULTS = builder().build();

    private final long since;
    private final boolean takeover;
    private final int cols;
    private final int rows;
    private final Duration connectTimeout;

    private AttachOptions(Builder builder) {
        this.since = builder.since;
        this.takeover = builder.takeover;
        this.cols = builder.cols;
        this.rows = builder.rows;
        this.connectTimeout = builder.connectTimeout;
    }

    /**
     * The defaults.
     *
     * @return the defaults
     */
    public static AttachOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The offset from which output is replayed: the {@link PtyConnection#offset()} of an earlier connection
     * resumes exactly where it stopped.
     *
     * @return the offset
     */
    public long since() {
        return since;
    }

    /**
     * Whether to take the session over from a client attached elsewhere (which is then disconnected with
     * {@link PtyDisconnect.Reason#TAKEN_OVER}) instead of failing with a conflict.
     *
     * @return whether to take over
     */
    public boolean takeover() {
        return takeover;
    }

    /**
     * The terminal width sent once connected.
     *
     * @return the columns, 0 when no size is sent (execd starts shells at 80 x 24)
     */
    public int cols() {
        return cols;
    }

    /**
     * The terminal height sent once connected.
     *
     * @return the rows, 0 when no size is sent
     */
    public int rows() {
        return rows;
    }

    /**
     * The bound on the handshake and on the wait for execd's {@code connected} frame.
     *
     * @return the timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    @Override
    public String toString() {
        return "AttachOptions[since=" + since + ", takeover=" + takeover
                + (cols > 0 ? ", size=" + cols + "x" + rows : "") + "]";
    }

    /** Builds {@link AttachOptions}. */
    public static final class Builder {
        private long since;
        private boolean takeover;
        private int cols;
        private int rows;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder() {}

        /**
         * Replays output from this offset (default 0: all execd still holds). execd keeps the last MiB; when
         * older bytes are gone the listener hears {@link PtyListener#onOutputLost}.
         *
         * @param since an offset, at least 0
         * @return this builder
         */
        public Builder since(long since) {
            if (since < 0) {
                throw new IllegalArgumentException("since must be at least 0: " + since);
            }
            this.since = since;
            return this;
        }

        /**
         * Takes the session over from a client attached elsewhere.
         *
         * @param takeover whether to
         * @return this builder
         */
        public Builder takeover(boolean takeover) {
            this.takeover = takeover;
            return this;
        }

        /**
         * Sets the terminal size sent once connected.
         *
         * @param cols columns, 1 to 65535
         * @param rows rows, 1 to 65535
         * @return this builder
         */
        public Builder size(int cols, int rows) {
            Checks.size(cols, rows);
            this.cols = cols;
            this.rows = rows;
            return this;
        }

        /**
         * Sets the bound on the handshake and the wait for {@code connected} (default 30 seconds).
         *
         * @param connectTimeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public AttachOptions build() {
            return new AttachOptions(this);
        }
    }
}
