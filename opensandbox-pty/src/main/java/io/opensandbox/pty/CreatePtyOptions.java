package io.opensandbox.pty;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to create a PTY session. Immutable; made with {@link #builder()}. {@link #defaults()} runs an interactive
 * {@code bash --norc --noprofile} in execd's working directory, on a pseudo-terminal.
 */
public final class CreatePtyOptions {
    private static final CreatePtyOptions DEFAULTS = builder().build();

    private final @Nullable String command;
    private final @Nullable String workingDirectory;
    private final PtyMode mode;

    private CreatePtyOptions(Builder builder) {
        this.command = builder.command;
        this.workingDirectory = builder.workingDirectory;
        this.mode = builder.mode;
    }

    /**
     * The defaults: interactive bash, execd's directory, PTY mode.
     *
     * @return the defaults
     */
    public static CreatePtyOptions defaults() {
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
     * The command bash runs ({@code bash -c command}) instead of an interactive shell.
     *
     * @return the command, empty for an interactive shell
     */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /**
     * The shell's working directory.
     *
     * @return the directory, empty for execd's own
     */
    public Optional<String> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /**
     * The mode the shell starts in. execd starts the shell on the first attach, so the mode travels with the
     * {@link PtySession} and is sent then.
     *
     * @return the mode
     */
    public PtyMode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return "CreatePtyOptions[mode=" + mode + (command == null ? "" : ", command") + "]";
    }

    /** Builds {@link CreatePtyOptions}. */
    public static final class Builder {
        private @Nullable String command;
        private @Nullable String workingDirectory;
        private PtyMode mode = PtyMode.PTY;

        private Builder() {}

        /**
         * Runs {@code bash -c command} instead of an interactive shell; the session ends when it does. execd
         * before this field (docker/execd v1.0.18 and older) ignores it and runs an interactive shell: see
         * the module documentation.
         *
         * @param command the command, not blank
         * @return this builder
         */
        public Builder command(String command) {
            Objects.requireNonNull(command, "command");
            if (command.isBlank()) {
                throw new IllegalArgumentException("command must not be blank");
            }
            this.command = command;
            return this;
        }

        /**
         * Sets the shell's working directory (execd refuses one that does not exist).
         *
         * @param workingDirectory an absolute path
         * @return this builder
         */
        public Builder workingDirectory(String workingDirectory) {
            Objects.requireNonNull(workingDirectory, "workingDirectory");
            if (workingDirectory.isBlank()) {
                throw new IllegalArgumentException("workingDirectory must not be blank");
            }
            this.workingDirectory = workingDirectory;
            return this;
        }

        /**
         * Sets the mode (default {@link PtyMode#PTY}).
         *
         * @param mode {@link PtyMode#PTY} or {@link PtyMode#PIPE}
         * @return this builder
         */
        public Builder mode(PtyMode mode) {
            Objects.requireNonNull(mode, "mode");
            if (mode == PtyMode.UNKNOWN) {
                throw new IllegalArgumentException("mode must be PTY or PIPE");
            }
            this.mode = mode;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public CreatePtyOptions build() {
            return new CreatePtyOptions(this);
        }
    }
}
