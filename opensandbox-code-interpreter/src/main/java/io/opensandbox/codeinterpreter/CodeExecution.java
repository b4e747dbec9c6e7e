package io.opensandbox.codeinterpreter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of running code in a context: the context it ran in, the execution count, every result, the output
 * (unless accumulation was skipped) and how it ended. Code that raises is not an exception: {@link #error()} holds
 * the kernel's error. Immutable.
 */
public final class CodeExecution {
    private final @Nullable String contextId;
    private final @Nullable Integer executionCount;
    private final List<CodeResult> results;
    private final List<CodeOutput> stdout;
    private final List<CodeOutput> stderr;
    private final @Nullable CodeError error;
    private final @Nullable CodeExecutionComplete complete;

    private CodeExecution(Builder builder) {
        this.contextId = builder.contextId;
        this.executionCount = builder.executionCount;
        this.results = List.copyOf(builder.results);
        this.stdout = List.copyOf(builder.stdout);
        this.stderr = List.copyOf(builder.stderr);
        this.error = builder.error;
        this.complete = builder.complete;
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
     * The id of the context the code ran in (execd's {@code init} event): for a run in a language's default
     * context, the id of that context.
     *
     * @return the id, if the server sent one
     */
    public Optional<String> contextId() {
        return Optional.ofNullable(contextId);
    }

    /**
     * The kernel's execution count for this run. execd reports it with a result only: a run whose last statement
     * has no value has none.
     *
     * @return the count, if reported
     */
    public OptionalInt executionCount() {
        return executionCount == null ? OptionalInt.empty() : OptionalInt.of(executionCount);
    }

    /**
     * The results in the order they came (for Python, the value of the last expression).
     *
     * @return an unmodifiable list
     */
    public List<CodeResult> results() {
        return results;
    }

    /**
     * The plain text of the first result that has one.
     *
     * @return the text, if any result has text
     */
    public Optional<String> text() {
        return results.stream().flatMap(result -> result.text().stream()).findFirst();
    }

    /**
     * The stdout chunks in order; empty when accumulation was skipped.
     *
     * @return an unmodifiable list
     */
    public List<CodeOutput> stdout() {
        return stdout;
    }

    /**
     * The stderr chunks in order; empty when accumulation was skipped.
     *
     * @return an unmodifiable list
     */
    public List<CodeOutput> stderr() {
        return stderr;
    }

    /**
     * The stdout chunks concatenated (kernels send their newlines).
     *
     * @return the text, empty when there was none
     */
    public String stdoutText() {
        return stdout.stream().map(CodeOutput::text).collect(Collectors.joining());
    }

    /**
     * The stderr chunks concatenated.
     *
     * @return the text, empty when there was none
     */
    public String stderrText() {
        return stderr.stream().map(CodeOutput::text).collect(Collectors.joining());
    }

    /**
     * The error the run ended with.
     *
     * @return the error, if the code failed or was interrupted
     */
    public Optional<CodeError> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The completion event, when the run ended with one.
     *
     * @return the completion, if reported
     */
    public Optional<CodeExecutionComplete> complete() {
        return Optional.ofNullable(complete);
    }

    @Override
    public String toString() {
        return "CodeExecution{contextId=" + contextId + ", executionCount=" + executionCount + ", results=" + results
                + ", stdout=" + stdout.size() + " chunks, stderr=" + stderr.size() + " chunks, error="
                + (error == null ? null : error.name() + ": " + error.value()) + "}";
    }

    /** Builds a {@link CodeExecution}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String contextId;
        private @Nullable Integer executionCount;
        private final List<CodeResult> results = new ArrayList<>();
        private final List<CodeOutput> stdout = new ArrayList<>();
        private final List<CodeOutput> stderr = new ArrayList<>();
        private @Nullable CodeError error;
        private @Nullable CodeExecutionComplete complete;

        private Builder() {}

        /**
         * Sets the context id.
         *
         * @param contextId the id, or {@code null}
         * @return this builder
         */
        public Builder contextId(@Nullable String contextId) {
            this.contextId = contextId;
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
         * Appends a result.
         *
         * @param result the result
         * @return this builder
         */
        public Builder addResult(CodeResult result) {
            results.add(Objects.requireNonNull(result, "result"));
            return this;
        }

        /**
         * Appends output to stdout or stderr, by {@link CodeOutput#isError()}.
         *
         * @param output the output
         * @return this builder
         */
        public Builder addOutput(CodeOutput output) {
            Objects.requireNonNull(output, "output");
            (output.isError() ? stderr : stdout).add(output);
            return this;
        }

        /**
         * Sets the error.
         *
         * @param error the error, or {@code null}
         * @return this builder
         */
        public Builder error(@Nullable CodeError error) {
            this.error = error;
            return this;
        }

        /**
         * Sets the completion.
         *
         * @param complete the completion, or {@code null}
         * @return this builder
         */
        public Builder complete(@Nullable CodeExecutionComplete complete) {
            this.complete = complete;
            return this;
        }

        /**
         * Builds the execution.
         *
         * @return the execution
         */
        public CodeExecution build() {
            return new CodeExecution(this);
        }
    }
}
