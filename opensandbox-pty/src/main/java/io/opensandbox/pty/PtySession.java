package io.opensandbox.pty;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A PTY session in a sandbox: a shell that outlives the connections to it. Immutable; made by {@link Pty#create}
 * or {@link Pty#session}. At most one connection is attached at a time; a second attach fails with a
 * {@link ConflictException} unless it {@linkplain AttachOptions#takeover() takes the session over}.
 *
 * <p>To reconnect after a dropped connection without losing or repeating output, attach with
 * {@code since(disconnect.offset())}: execd replays what was produced in between (up to its last MiB).
 *
 * <p>execd starts the shell on the first attach, and starts a new one when a session whose shell exited is
 * attached again (output offsets go on counting); {@link #delete()} ends a session for good.
 */
public final class PtySession {
    private final Pty pty;
    private final String id;
    private final PtyMode mode;

    PtySession(Pty pty, String id, PtyMode mode) {
        this.pty = Objects.requireNonNull(pty, "pty");
        this.id = Objects.requireNonNull(id, "id");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * The session's id.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The mode the shell is started in on the first attach.
     *
     * @return the mode
     */
    public PtyMode mode() {
        return mode;
    }

    /**
     * Attaches, replaying everything execd still holds, and returns once execd has attached the connection (the
     * replay has then been delivered to the listener).
     *
     * @param listener told of output, exit, errors and the end of the connection
     * @return the connection
     * @throws ConflictException if another client is attached
     * @throws NotFoundException if the session is gone
     * @throws SandboxException if the connection failed, or execd could not start the shell ({@code START_FAILED})
     */
    public PtyConnection attach(PtyListener listener) {
        return attach(AttachOptions.defaults(), listener);
    }

    /**
     * Attaches and returns once execd has attached the connection.
     *
     * @param options offset to resume from, takeover, initial size
     * @param listener told of output, exit, errors and the end of the connection
     * @return the connection
     * @throws ConflictException if another client is attached and no takeover was asked for (or execd predates
     *     takeover)
     * @throws NotFoundException if the session is gone
     * @throws SandboxException if the connection failed or timed out, or execd could not start the shell
     */
    public PtyConnection attach(AttachOptions options, PtyListener listener) {
        return pty.attach(id, mode, options, listener);
    }

    /**
     * Attaches without waiting.
     *
     * @param options offset to resume from, takeover, initial size
     * @param listener told of output, exit, errors and the end of the connection
     * @return completed with the connection once execd attached it, failed as {@link #attach(AttachOptions,
     *     PtyListener)} throws
     */
    public CompletableFuture<PtyConnection> attachAsync(AttachOptions options, PtyListener listener) {
        return pty.attachAsync(id, mode, options, listener);
    }

    /**
     * Attaches as a pair of streams.
     *
     * @param options offset to resume from, takeover, initial size
     * @return the streams
     * @throws SandboxException as {@link #attach(AttachOptions, PtyListener)}
     */
    public PtyStreams attachStreams(AttachOptions options) {
        return pty.attachStreams(id, mode, options);
    }

    /**
     * What execd reports of the session.
     *
     * @return the status
     * @throws NotFoundException if the session is gone
     */
    public PtyStatus status() {
        return pty.getStatus(id);
    }

    /**
     * Deletes the session: the shell is killed and a connection to it ends.
     *
     * @throws NotFoundException if the session is already gone
     */
    public void delete() {
        pty.delete(id);
    }

    @Override
    public String toString() {
        return "PtySession[" + id + ", " + mode + "]";
    }
}
