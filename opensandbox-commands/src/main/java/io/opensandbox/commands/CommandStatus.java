package io.opensandbox.commands;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/** The state of a command (foreground or background) as execd reports it. Immutable. */
public final class CommandStatus {
    private final String id;
    private final @Nullable String command;
    private final boolean running;
    private final @Nullable Integer exitCode;
    private final @Nullable String error;
    private final @Nullable Instant startedAt;
    private final @Nullable Instant finishedAt;

    private CommandStatus(
            String id,
            @Nullable String command,
            boolean running,
            @Nullable Integer exitCode,
            @Nullable String error,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt) {
        this.id = Objects.requireNonNull(id, "id");
        this.command = command;
        this.running = running;
        this.exitCode = exitCode;
        this.error = error;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
    }

    /**
     * Creates a status.
     *
     * @param id the command id
     * @param command the command line, or {@code null}
     * @param running whether it still runs
     * @param exitCode the exit code, or {@code null} while running or when unknown
     * @param error the error message, or {@code null}
     * @param startedAt when it started, or {@code null}
     * @param finishedAt when it finished, or {@code null}
     * @return the status
     */
    public static CommandStatus of(
            String id,
            @Nullable String command,
            boolean running,
            @Nullable Integer exitCode,
            @Nullable String error,
            @Nullable Instant startedAt,
            @Nullable Instant finishedAt) {
        return new CommandStatus(id, command, running, exitCode, error, startedAt, finishedAt);
    }

    /**
     * The command id.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The command line as it was submitted.
     *
     * @return the command, if the server reported it
     */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /**
     * Whether the command is still running.
     *
     * @return whether it runs
     */
    public boolean running() {
        return running;
    }

    /**
     * The exit code, once the command finished.
     *
     * @return the exit code
     */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * The error message, if the command failed.
     *
     * @return the message
     */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /**
     * When the command started.
     *
     * @return the start, if known
     */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /**
     * When the command finished.
     *
     * @return the end, once it finished
     */
    public Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    @Override
    public String toString() {
        return "CommandStatus{id=" + id + ", running=" + running + ", exitCode=" + exitCode + ", error=" + error
                + ", startedAt=" + startedAt + ", finishedAt=" + finishedAt + "}";
    }
}
