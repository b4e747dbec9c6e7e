package io.opensandbox.codeinterpreter;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to run code. Immutable; made with {@link #builder()}. {@link #defaults()} runs in Python's default context, has no
 * time limit but the stream idle timeout of the connection, keeps the output, and interrupts the context when the caller gives up.
 *
 * <p>execd's {@code /code} has no time limit of its own: the {@link #timeout()} is kept by the SDK, which interrupts
 * the context when it passes.
 */
public final class RunCodeOptions {
    /** The longest {@link #timeout()} accepted: 3650 days, as for commands. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(3650);

    /** The longest {@link #idleTimeout()} accepted: {@link ConnectionConfig#MAX_TIMEOUT} (one day). */
    public static final Duration MAX_IDLE_TIMEOUT = ConnectionConfig.MAX_TIMEOUT;

    private static final RunCodeOptions DEFAULTS = builder().build();

    private final String language;
    private final @Nullable Duration timeout;
    private final @Nullable Duration idleTimeout;
    private final boolean skipAccumulation;
    private final boolean interruptOnCancel;

    private RunCodeOptions(Builder builder) {
        this.language = builder.language;
        this.timeout = builder.timeout;
        this.idleTimeout = builder.idleTimeout;
        this.skipAccumulation = builder.skipAccumulation;
        this.interruptOnCancel = builder.interruptOnCancel;
    }

    /**
     * The default options.
     *
     * @return the defaults
     */
    public static RunCodeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.language = language;
        builder.timeout = timeout;
        builder.idleTimeout = idleTimeout;
        builder.skipAccumulation = skipAccumulation;
        builder.interruptOnCancel = interruptOnCancel;
        return builder;
    }

    /**
     * The language whose default context runs the code when no context is given ({@link SupportedLanguage#PYTHON}
     * unless set); execd creates that context on first use. A run in a given context uses the context's language.
     *
     * @return the language
     */
    public String language() {
        return language;
    }

    /**
     * The longest the run may take, from the request to its last event. When it passes, the SDK interrupts the
     * context and the run fails with a {@link io.opensandbox.api.SandboxTimeoutException}.
     *
     * @return the timeout, if set
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * The longest silence allowed on the event stream (execd sends a ping every 3 seconds); overrides the
     * connection's {@link ConnectionConfig#streamIdleTimeout()} for this run.
     *
     * @return the idle timeout, if set
     */
    public Optional<Duration> idleTimeout() {
        return Optional.ofNullable(idleTimeout);
    }

    /**
     * Whether output is only passed to the handlers and not kept in the {@link CodeExecution}.
     *
     * @return whether accumulation is skipped
     */
    public boolean skipAccumulation() {
        return skipAccumulation;
    }

    /**
     * Whether giving up on the run (cancelling its future, interrupting the calling thread, or its timeout) also
     * interrupts the context's kernel ({@code DELETE /code?id=}); default {@code true}. Without it the kernel keeps
     * running the code, and the context stays busy until it ends.
     *
     * @return whether the kernel is interrupted when the caller gives up
     */
    public boolean interruptOnCancel() {
        return interruptOnCancel;
    }

    @Override
    public String toString() {
        return "RunCodeOptions{language=" + language + ", timeout=" + timeout + ", idleTimeout=" + idleTimeout
                + ", skipAccumulation=" + skipAccumulation + ", interruptOnCancel=" + interruptOnCancel + "}";
    }

    /** Builds {@link RunCodeOptions}. Not thread-safe. */
    public static final class Builder {
        private String language = SupportedLanguage.PYTHON;
        private @Nullable Duration timeout;
        private @Nullable Duration idleTimeout;
        private boolean skipAccumulation;
        private boolean interruptOnCancel = true;

        private Builder() {}

        /**
         * Sets the language whose default context runs code given without a context.
         *
         * @param language the language, for example {@link SupportedLanguage#BASH}; not blank
         * @return this builder
         * @throws InvalidArgumentException if the language is blank
         */
        public Builder language(String language) {
            this.language = Checks.notBlank(language, "language");
            return this;
        }

        /**
         * Sets the overall time limit.
         *
         * @param timeout positive, at most {@link #MAX_TIMEOUT}; checked by {@link #build()}
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the stream idle timeout for this run.
         *
         * @param idleTimeout positive, at most {@link #MAX_IDLE_TIMEOUT}; checked by {@link #build()}
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        /**
         * Passes output to the handlers only, without keeping it.
         *
         * @param skipAccumulation whether to skip accumulation
         * @return this builder
         */
        public Builder skipAccumulation(boolean skipAccumulation) {
            this.skipAccumulation = skipAccumulation;
            return this;
        }

        /**
         * Sets whether giving up on the run interrupts the kernel.
         *
         * @param interruptOnCancel whether to interrupt
         * @return this builder
         */
        public Builder interruptOnCancel(boolean interruptOnCancel) {
            this.interruptOnCancel = interruptOnCancel;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws InvalidArgumentException if a timeout is not positive or too long
         */
        public RunCodeOptions build() {
            check("timeout", timeout, MAX_TIMEOUT);
            check("idleTimeout", idleTimeout, MAX_IDLE_TIMEOUT);
            return new RunCodeOptions(this);
        }

        private static void check(String name, @Nullable Duration value, Duration max) {
            if (value != null && (value.isNegative() || value.isZero() || value.compareTo(max) > 0)) {
                throw new InvalidArgumentException(
                        name + " must be positive and at most " + max + ", was " + value, null);
            }
        }
    }
}
