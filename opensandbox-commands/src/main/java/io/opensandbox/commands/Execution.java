package io.opensandbox.commands;

import io.opensandbox.commands.internal.RetainedLines;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a finished execution: its id, the output (unless accumulation was skipped), results, and how it
 * ended. A command that exits with a non-zero code is not an exception: its {@link #exitCode()} says so and
 * {@link #error()} holds the details.
 *
 * <p>The output kept is bounded by {@link RunOptions#maxRetainedOutput()} (8 MiB per stream by default): past it, lines reach
 * the handlers only, and {@link #isOutputTruncated()}, {@link #droppedStdout()} and {@link #droppedStderr()} say
 * what was left out. Lines are stored compactly (UTF-8 bytes and a millisecond timestamp); {@link #stdout()} and
 * {@link #stderr()} make each {@link OutputMessage} when it is read.
 */
public final class Execution {
    private final @Nullable String id;
    private final List<OutputMessage> stdout;
    private final List<OutputMessage> stderr;
    private final List<ExecutionResult> results;
    private final @Nullable ExecutionError error;
    private final @Nullable ExecutionComplete complete;
    private final @Nullable Integer exitCode;
    private final @Nullable Integer executionCount;
    private final DroppedOutput droppedStdout;
    private final DroppedOutput droppedStderr;
    private final long retainedOutputBytes;

    private Execution(Builder builder) {
        this.id = builder.id;
        this.stdout = builder.stdout.snapshot();
        this.stderr = builder.stderr.snapshot();
        this.droppedStdout = builder.droppedOut.snapshot();
        this.droppedStderr = builder.droppedErr.snapshot();
        this.retainedOutputBytes = builder.retainedOut + builder.retainedErr;
        this.results = List.copyOf(builder.results);
        this.error = builder.error;
        this.complete = builder.complete;
        this.exitCode = builder.exitCode;
        this.executionCount = builder.executionCount;
    }

    /**
     * Starts an execution value; for tests and for code that builds results itself.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The execution id from the init event: the command id for commands, the session id for bash-session runs.
     *
     * @return the id, if the server sent one
     */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /**
     * The stdout lines in order, up to {@link RunOptions#maxRetainedOutput()}; empty when accumulation was skipped.
     *
     * @return an unmodifiable list
     */
    public List<OutputMessage> stdout() {
        return stdout;
    }

    /**
     * The stderr lines in order, up to {@link RunOptions#maxRetainedOutput()}; empty when accumulation was skipped.
     *
     * @return an unmodifiable list
     */
    public List<OutputMessage> stderr() {
        return stderr;
    }

    /**
     * The stdout lines joined with {@code \n}.
     *
     * @return the text, empty when there was none
     */
    public String stdoutText() {
        return RetainedLines.join(stdout);
    }

    /**
     * The stderr lines joined with {@code \n}.
     *
     * @return the text, empty when there was none
     */
    public String stderrText() {
        return RetainedLines.join(stderr);
    }

    /**
     * Whether some output was not kept because of {@link RunOptions#maxRetainedOutput()}; the handlers saw it all.
     *
     * @return whether stdout or stderr was cut
     */
    public boolean isOutputTruncated() {
        return droppedStdout.any() || droppedStderr.any();
    }

    /**
     * The stdout lines left out of {@link #stdout()} (all after the first that did not fit).
     *
     * @return the count, {@link DroppedOutput#none()} when nothing was left out
     */
    public DroppedOutput droppedStdout() {
        return droppedStdout;
    }

    /**
     * The stderr lines left out of {@link #stderr()} (all after the first that did not fit).
     *
     * @return the count, {@link DroppedOutput#none()} when nothing was left out
     */
    public DroppedOutput droppedStderr() {
        return droppedStderr;
    }

    /**
     * The bytes the kept output of both streams counts against {@link RunOptions#maxRetainedOutput()}: the UTF-8
     * length of each kept line plus 20.
     *
     * @return the bytes
     */
    public long retainedOutputBytes() {
        return retainedOutputBytes;
    }

    /**
     * The rich results (code interpreters).
     *
     * @return an unmodifiable list
     */
    public List<ExecutionResult> results() {
        return results;
    }

    /**
     * The error the execution ended with.
     *
     * @return the error, if it failed
     */
    public Optional<ExecutionError> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The completion the execution ended with.
     *
     * @return the completion, if it succeeded
     */
    public Optional<ExecutionComplete> complete() {
        return Optional.ofNullable(complete);
    }

    /**
     * The exit code: 0 when the command completed, the code the server reported when it failed, and empty when it
     * is unknown (a failure that is not an exit code, or a background command).
     *
     * @return the exit code
     */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * The cell execution count (code interpreters).
     *
     * @return the count, if the server sent one
     */
    public OptionalInt executionCount() {
        return executionCount == null ? OptionalInt.empty() : OptionalInt.of(executionCount);
    }

    @Override
    public String toString() {
        return "Execution{id=" + id + ", exitCode=" + exitCode + ", stdout=" + stdout.size() + " lines, stderr="
                + stderr.size() + " lines"
                + (isOutputTruncated()
                        ? " (truncated: " + droppedStdout.lines() + " stdout and " + droppedStderr.lines()
                                + " stderr lines dropped)"
                        : "")
                + ", results=" + results.size() + ", error=" + error + ", complete=" + complete + "}";
    }

    /** Builds an {@link Execution}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String id;
        private final RetainedLines stdout = new RetainedLines(false);
        private final RetainedLines stderr = new RetainedLines(true);
        private final Dropped droppedOut = new Dropped();
        private final Dropped droppedErr = new Dropped();
        private long maxRetained = RunOptions.DEFAULT_MAX_RETAINED_OUTPUT;
        private long retainedOut;
        private long retainedErr;
        private final List<ExecutionResult> results = new java.util.ArrayList<>();
        private @Nullable ExecutionError error;
        private @Nullable ExecutionComplete complete;
        private @Nullable Integer exitCode;
        private @Nullable Integer executionCount;

        private Builder() {}

        /**
         * Sets the id.
         *
         * @param id the id, or {@code null}
         * @return this builder
         */
        public Builder id(@Nullable String id) {
            this.id = id;
            return this;
        }

        /**
         * Sets how much output is kept (default {@link RunOptions#DEFAULT_MAX_RETAINED_OUTPUT}); see
         * {@link RunOptions#maxRetainedOutput()}. Applies to the lines added after it.
         *
         * @param bytes 0 or more
         * @return this builder
         */
        public Builder maxRetainedOutput(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxRetainedOutput must not be negative, not " + bytes);
            }
            this.maxRetained = bytes;
            return this;
        }

        /**
         * Appends an output line to stdout or stderr, by {@link OutputMessage#isError()}, or counts it as dropped
         * once it (or an earlier line of the same stream) did not fit in that stream's bound. The timestamp is kept to the
         * millisecond.
         *
         * @param message the line
         * @return this builder
         */
        public Builder addOutput(OutputMessage message) {
            Objects.requireNonNull(message, "message");
            byte[] utf8 = message.text().getBytes(StandardCharsets.UTF_8);
            boolean error = message.isError();
            Dropped dropped = error ? droppedErr : droppedOut;
            long cost = RetainedLines.cost(utf8.length);
            if (dropped.lines > 0 || cost > maxRetained - (error ? retainedErr : retainedOut)) {
                dropped.lines++;
                dropped.bytes += utf8.length;
                return this;
            }
            (error ? stderr : stdout).add(utf8, message.timestamp().toEpochMilli());
            if (error) {
                retainedErr += cost;
            } else {
                retainedOut += cost;
            }
            return this;
        }

        /**
         * Appends a result.
         *
         * @param result the result
         * @return this builder
         */
        public Builder addResult(ExecutionResult result) {
            results.add(Objects.requireNonNull(result, "result"));
            return this;
        }

        /**
         * Sets the error.
         *
         * @param error the error, or {@code null}
         * @return this builder
         */
        public Builder error(@Nullable ExecutionError error) {
            this.error = error;
            return this;
        }

        /**
         * Sets the completion.
         *
         * @param complete the completion, or {@code null}
         * @return this builder
         */
        public Builder complete(@Nullable ExecutionComplete complete) {
            this.complete = complete;
            return this;
        }

        /**
         * Sets the exit code.
         *
         * @param exitCode the code, or {@code null} when unknown
         * @return this builder
         */
        public Builder exitCode(@Nullable Integer exitCode) {
            this.exitCode = exitCode;
            return this;
        }

        /**
         * Sets the execution count.
         *
         * @param executionCount the count, or {@code null}
         * @return this builder
         */
        public Builder executionCount(@Nullable Integer executionCount) {
            this.executionCount = executionCount;
            return this;
        }

        /**
         * Builds the execution.
         *
         * @return the execution
         */
        public Execution build() {
            return new Execution(this);
        }
    }

    /** What one stream dropped, counted as it happens. */
    private static final class Dropped {
        private long lines;
        private long bytes;

        DroppedOutput snapshot() {
            return lines == 0 ? DroppedOutput.none() : new DroppedOutput(lines, bytes);
        }
    }
}
