package io.opensandbox.commands;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * How to run a command. Immutable; made with {@link #builder()}. {@link #defaults()} runs in the server's default
 * directory, as the server's default user, with no time limit.
 *
 * <p>For a bash-session run ({@link Commands#runInSession}) only the working directory, the timeout, the idle
 * timeout, skipping accumulation and the bound on retained output apply; environment, uid, gid and background are rejected, and interrupting on
 * cancel is ignored (execd has no interrupt for one session run; cancelling only stops reading).
 */
public final class RunOptions {
    /**
     * The longest {@link #timeout()} accepted: 3650 days (about ten years), the bound the SDK puts on a sandbox
     * renewal. Sent in milliseconds, it fits execd's 64-bit field and a Go {@code time.Duration} (about 292 years).
     */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(3650);

    /** The shortest {@link #timeout()} accepted: one millisecond, the unit execd takes. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    /**
     * The longest {@link #idleTimeout()} accepted: {@link ConnectionConfig#MAX_TIMEOUT} (one day), as for
     * {@link ConnectionConfig#streamIdleTimeout()}.
     */
    public static final Duration MAX_IDLE_TIMEOUT = ConnectionConfig.MAX_TIMEOUT;

    /**
     * The default {@link #maxRetainedOutput()}: 8 MiB of each stream kept in the {@link Execution} (16 MiB for stdout
     * and stderr together), each line counted as its UTF-8 length plus 20 bytes.
     */
    public static final long DEFAULT_MAX_RETAINED_OUTPUT = 8L * 1024 * 1024;

    private static final RunOptions DEFAULTS = builder().build();

    private final @Nullable String workingDirectory;
    private final Map<String, String> environment;
    private final @Nullable Duration timeout;
    private final @Nullable Integer uid;
    private final @Nullable Integer gid;
    private final boolean background;
    private final boolean skipAccumulation;
    private final long maxRetainedOutput;
    private final @Nullable Duration idleTimeout;
    private final boolean interruptOnCancel;

    private RunOptions(Builder builder) {
        this.workingDirectory = builder.workingDirectory;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(builder.environment));
        this.timeout = builder.timeout;
        this.uid = builder.uid;
        this.gid = builder.gid;
        this.background = builder.background;
        this.skipAccumulation = builder.skipAccumulation;
        this.maxRetainedOutput = builder.maxRetainedOutput;
        this.idleTimeout = builder.idleTimeout;
        this.interruptOnCancel = builder.interruptOnCancel;
    }

    /**
     * The default options.
     *
     * @return the defaults
     */
    public static RunOptions defaults() {
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
        builder.workingDirectory = workingDirectory;
        builder.environment.putAll(environment);
        builder.timeout = timeout;
        builder.uid = uid;
        builder.gid = gid;
        builder.background = background;
        builder.skipAccumulation = skipAccumulation;
        builder.maxRetainedOutput = maxRetainedOutput;
        builder.idleTimeout = idleTimeout;
        builder.interruptOnCancel = interruptOnCancel;
        return builder;
    }

    /**
     * The working directory; it must exist in the sandbox.
     *
     * @return the directory, if set
     */
    public Optional<String> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /**
     * Environment variables added to the command's environment.
     *
     * @return an unmodifiable map, in insertion order
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The longest the server lets the command run before it kills it (sent in milliseconds).
     *
     * @return the timeout, if set
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * The Unix user id to run as.
     *
     * @return the uid, if set
     */
    public OptionalInt uid() {
        return uid == null ? OptionalInt.empty() : OptionalInt.of(uid);
    }

    /**
     * The Unix group id to run as; only together with a uid.
     *
     * @return the gid, if set
     */
    public OptionalInt gid() {
        return gid == null ? OptionalInt.empty() : OptionalInt.of(gid);
    }

    /**
     * Whether the command runs detached: the call returns once it started, and its output is read with
     * {@link Commands#getBackgroundCommandLogs}.
     *
     * @return whether the command runs in the background
     */
    public boolean background() {
        return background;
    }

    /**
     * Whether output is only passed to the handlers and not kept in the {@link Execution}, for very large output.
     *
     * @return whether accumulation is skipped
     */
    public boolean skipAccumulation() {
        return skipAccumulation;
    }

    /**
     * The most output the {@link Execution} keeps of each stream (stdout, and separately stderr, so that a chatty
     * stdout never crowds out the error at the end of stderr), in bytes, each line counted as its UTF-8 length plus 20
     * bytes (what the SDK stores per line besides the text); default {@link #DEFAULT_MAX_RETAINED_OUTPUT} (8 MiB). A
     * stream keeps its lines in order up to the first one that does not fit; the rest reach the handlers only and
     * are counted in {@link Execution#droppedStdout()} and {@link Execution#droppedStderr()}, so a chatty command
     * never exhausts the heap.
     *
     * @return the bound in bytes
     */
    public long maxRetainedOutput() {
        return maxRetainedOutput;
    }

    /**
     * The longest silence allowed on the event stream (execd sends a ping every 3 seconds); overrides
     * {@link io.opensandbox.api.ConnectionConfig#streamIdleTimeout()}.
     *
     * @return the idle timeout, if set
     */
    public Optional<Duration> idleTimeout() {
        return Optional.ofNullable(idleTimeout);
    }

    /**
     * Whether cancelling the call (cancelling its future or interrupting the calling thread) also interrupts the
     * command in the sandbox, once its id is known. Off by default: cancelling only stops reading.
     *
     * @return whether the remote command is interrupted on cancel
     */
    public boolean interruptOnCancel() {
        return interruptOnCancel;
    }

    @Override
    public String toString() {
        return "RunOptions{workingDirectory=" + workingDirectory + ", environment=" + environment.keySet()
                + ", timeout=" + timeout + ", uid=" + uid + ", gid=" + gid + ", background=" + background
                + ", skipAccumulation=" + skipAccumulation + ", maxRetainedOutput=" + maxRetainedOutput
                + ", idleTimeout=" + idleTimeout + ", interruptOnCancel="
                + interruptOnCancel + "}";
    }

    /** Builds {@link RunOptions}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String workingDirectory;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private @Nullable Duration timeout;
        private @Nullable Integer uid;
        private @Nullable Integer gid;
        private boolean background;
        private boolean skipAccumulation;
        private long maxRetainedOutput = DEFAULT_MAX_RETAINED_OUTPUT;
        private @Nullable Duration idleTimeout;
        private boolean interruptOnCancel;

        private Builder() {}

        /**
         * Sets the working directory.
         *
         * @param workingDirectory an existing directory in the sandbox
         * @return this builder
         */
        public Builder workingDirectory(String workingDirectory) {
            this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
            return this;
        }

        /**
         * Adds an environment variable.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds environment variables.
         *
         * @param variables the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        /**
         * Sets the server-side time limit. It is sent in whole milliseconds (a fraction of a millisecond is dropped).
         *
         * @param timeout from {@link #MIN_TIMEOUT} (one millisecond) to {@link #MAX_TIMEOUT} (3650 days); checked by
         *     {@link #build()}
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets the Unix user id.
         *
         * @param uid zero or more
         * @return this builder
         */
        public Builder uid(int uid) {
            this.uid = uid;
            return this;
        }

        /**
         * Sets the Unix group id; requires {@link #uid(int)}.
         *
         * @param gid zero or more
         * @return this builder
         */
        public Builder gid(int gid) {
            this.gid = gid;
            return this;
        }

        /**
         * Runs the command detached.
         *
         * @param background whether to run in the background
         * @return this builder
         */
        public Builder background(boolean background) {
            this.background = background;
            return this;
        }

        /**
         * Passes output to the handlers only, without keeping it in the {@link Execution}.
         *
         * @param skipAccumulation whether to skip accumulating output
         * @return this builder
         */
        public Builder skipAccumulation(boolean skipAccumulation) {
            this.skipAccumulation = skipAccumulation;
            return this;
        }

        /**
         * Sets how much output the {@link Execution} keeps (see {@link RunOptions#maxRetainedOutput()}); handlers see
         * every line whatever the bound.
         *
         * @param bytes 0 or more; {@link Long#MAX_VALUE} for no bound (the heap is then the limit)
         * @return this builder
         */
        public Builder maxRetainedOutput(long bytes) {
            if (bytes < 0) {
                throw new InvalidArgumentException("maxRetainedOutput must not be negative, not " + bytes, null);
            }
            this.maxRetainedOutput = bytes;
            return this;
        }

        /**
         * Sets the stream idle timeout for this run.
         *
         * @param idleTimeout a positive duration, at most {@link #MAX_IDLE_TIMEOUT} (one day); checked by
         *     {@link #build()}
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        /**
         * Interrupts the remote command when the call is cancelled.
         *
         * @param interruptOnCancel whether to interrupt the remote command on cancel
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
         * @throws InvalidArgumentException if a gid is set without a uid, an id is negative, the timeout is not
         *     from {@link #MIN_TIMEOUT} to {@link #MAX_TIMEOUT}, or the idle timeout is not positive or longer than
         *     {@link #MAX_IDLE_TIMEOUT}
         */
        public RunOptions build() {
            if (gid != null && uid == null) {
                throw new InvalidArgumentException("gid requires uid: set uid(...) as well, or drop gid(...)", null);
            }
            if ((uid != null && uid < 0) || (gid != null && gid < 0)) {
                throw new InvalidArgumentException("uid and gid must be zero or more", null);
            }
            Duration limit = timeout;
            if (limit != null && (limit.compareTo(MIN_TIMEOUT) < 0 || limit.compareTo(MAX_TIMEOUT) > 0)) {
                // compared, never converted: toMillis() of Duration.ofSeconds(Long.MAX_VALUE) overflows
                throw new InvalidArgumentException(
                        "timeout must be from 1 ms to 3650 days (" + MAX_TIMEOUT + "), was " + limit, null);
            }
            Duration idle = idleTimeout;
            if (idle != null && (idle.isNegative() || idle.isZero() || idle.compareTo(MAX_IDLE_TIMEOUT) > 0)) {
                throw new InvalidArgumentException(
                        "idleTimeout must be positive and at most one day (" + MAX_IDLE_TIMEOUT + "), was " + idle,
                        null);
            }
            String cwd = workingDirectory;
            if (cwd != null && (cwd.isBlank() || cwd.indexOf('\0') >= 0)) {
                throw new InvalidArgumentException("workingDirectory must not be blank or contain NUL", null);
            }
            for (Map.Entry<String, String> variable : environment.entrySet()) {
                String name = variable.getKey();
                if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                    throw new InvalidArgumentException(
                            "environment variable name '" + name + "' must be non-empty without '=' or NUL", null);
                }
                if (variable.getValue().indexOf('\0') >= 0) {
                    throw new InvalidArgumentException(
                            "environment variable " + name + " has a value with NUL, which no process can receive",
                            null);
                }
            }
            return new RunOptions(this);
        }
    }
}
