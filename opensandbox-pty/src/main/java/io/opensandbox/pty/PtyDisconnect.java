package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Why and where a connection to a session ended. Immutable. {@link #offset()} is what to pass to
 * {@link AttachOptions.Builder#since(long)} to resume without losing or repeating a byte.
 */
public final class PtyDisconnect {
    /** Why a connection ended. */
    public enum Reason {
        /** The shell exited; {@link #exitCode()} holds its code. */
        EXITED,
        /** This client closed the connection; the shell goes on. */
        CLOSED,
        /**
         * Another client attached with {@link AttachOptions#takeover()} (execd's close code 4001,
         * {@code TAKEN_OVER}); the shell goes on there. Reconnecting would take it back: do it only on purpose.
         */
        TAKEN_OVER,
        /** execd refused the connection after accepting it ({@code START_FAILED}, a takeover that timed out). */
        FAILED,
        /** The connection broke (network, server gone, idle for too long); the shell goes on. Reattach. */
        DROPPED
    }

    private final Reason reason;
    private final long offset;
    private final @Nullable Integer exitCode;
    private final int closeCode;
    private final String closeReason;
    private final @Nullable SandboxException error;

    PtyDisconnect(
            Reason reason,
            long offset,
            @Nullable Integer exitCode,
            int closeCode,
            String closeReason,
            @Nullable SandboxException error) {
        this.reason = Objects.requireNonNull(reason, "reason");
        this.offset = offset;
        this.exitCode = exitCode;
        this.closeCode = closeCode;
        this.closeReason = Objects.requireNonNull(closeReason, "closeReason");
        this.error = error;
    }

    /**
     * Why the connection ended.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The offset of the first output byte this connection did not deliver.
     *
     * @return the offset to resume from
     */
    public long offset() {
        return offset;
    }

    /**
     * The shell's exit code, when it exited.
     *
     * @return the code, empty unless the reason is {@link Reason#EXITED}
     */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /**
     * The WebSocket close code the server sent ({@code 1000} after an exit, {@code 4001} on takeover), or
     * {@code 1006} when the connection ended without a close frame.
     *
     * @return the code
     */
    public int closeCode() {
        return closeCode;
    }

    /**
     * The close frame's reason text ({@code TAKEN_OVER}, {@code process exited}), possibly empty.
     *
     * @return the text
     */
    public String closeReason() {
        return closeReason;
    }

    /**
     * What went wrong, for {@link Reason#TAKEN_OVER} (code {@code TAKEN_OVER}), {@link Reason#FAILED} (execd's
     * error code) and {@link Reason#DROPPED}.
     *
     * @return the error, empty for {@link Reason#EXITED} and {@link Reason#CLOSED}
     */
    public Optional<SandboxException> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public String toString() {
        return "PtyDisconnect[" + reason + ", offset=" + offset
                + (exitCode == null ? "" : ", exitCode=" + exitCode)
                + ", close=" + closeCode + (closeReason.isEmpty() ? "" : " " + closeReason) + "]";
    }
}
