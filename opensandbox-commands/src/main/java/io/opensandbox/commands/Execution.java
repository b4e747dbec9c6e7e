package io.opensandbox.commands;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a finished execution: its id, the output (unless accumulation was skipped), results, and how it
 * ended. A command that exits with a non-zero code is not an exception: its {@link #exitCode()} says so and
 * {@link #error()} holds the details.
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

    private Execution(Builder builder) {
        this.id = builder.id;
        this.stdout = List.copyOf(builder.stdout);
        this.stderr = List.copyOf(builder.stderr);
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
     * The stdout lines in order; empty when accumulation was skipped.
     *
     * @return an unmodifiable list
     */
    public List<OutputMessage> stdout() {
        return stdout;
    }

    /**
     * The stderr lines in order; empty when accumulation was skipped.
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
        return stdout.stream().map(OutputMessage::text).collect(Collectors.joining("\n"));
    }

    /**
     * The stderr lines joined with {@code \n}.
     *
     * @return the text, empty when there was none
     */
    public String stderrText() {
        return stderr.stream().map(OutputMessage::text).collect(Collectors.joining("\n"));
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
                + stderr.size() + " lines, results=" + results.size() + ", error=" + error + ", complete="
                + complete + "}";
    }

    /** Builds an {@link Execution}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String id;
        private final List<OutputMessage> stdout = new java.util.ArrayList<>();
        private final List<OutputMessage> stderr = new java.util.ArrayList<>();
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
         * Appends an output line to stdout or stderr, by {@link OutputMessage#isError()}.
         *
         * @param message the line
         * @return this builder
         */
        public Builder addOutput(OutputMessage message) {
            (message.isError() ? stderr : stdout).add(Objects.requireNonNull(message, "message"));
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
}
