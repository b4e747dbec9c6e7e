package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket connection to a PTY session: input, resize and signals go out; output comes to the
 * {@link PtyListener} (or the {@link PtyStreams}). Thread-safe: what is sent from several threads goes out in the
 * order the calls were made. Closing it leaves the shell running; {@link PtySession#delete()} ends it.
 *
 * <p>The sending methods wait until their frame has been written, and throw a {@link SandboxException} once the
 * connection is gone ({@link io.opensandbox.api.SandboxError#CLOSED}) or when writing failed.
 */
public interface PtyConnection extends AutoCloseable {

    /**
     * The session's id.
     *
     * @return the id
     */
    String sessionId();

    /**
     * The mode execd reported in its {@code connected} frame.
     *
     * @return the mode
     */
    PtyMode mode();

    /**
     * The offset of the next output byte: everything before it has been delivered to the listener (or queued for
     * the stream). Pass it to {@link AttachOptions.Builder#since(long)} to resume on another connection.
     *
     * @return the offset
     */
    long offset();

    /**
     * Sends input to the shell, as typed (in PTY mode, {@code "\u0003"} is Ctrl-C and {@code "\r"} is Enter).
     *
     * @param bytes the bytes; long input is sent in several frames
     * @throws SandboxException if the connection is gone or writing failed
     */
    void write(byte[] bytes);

    /**
     * Sends part of an array as input.
     *
     * @param bytes the array
     * @param offset where the input starts
     * @param length how many bytes
     * @throws SandboxException if the connection is gone or writing failed
     */
    void write(byte[] bytes, int offset, int length);

    /**
     * Sends text as input, encoded in UTF-8.
     *
     * @param text the text, such as {@code "echo hi\n"}
     * @throws SandboxException if the connection is gone or writing failed
     */
    void write(String text);

    /**
     * Resizes the terminal (PTY mode; execd ignores it in pipe mode). The shell gets {@code SIGWINCH}.
     *
     * @param cols columns, 1 to 65535
     * @param rows rows, 1 to 65535
     * @throws SandboxException if the connection is gone or writing failed
     */
    void resize(int cols, int rows);

    /**
     * Sends a signal to the session's process group.
     *
     * @param signal the signal
     * @throws SandboxException if the connection is gone or writing failed
     */
    void signal(PtySignal signal);

    /**
     * Whether the connection is still open.
     *
     * @return whether it is
     */
    boolean isOpen();

    /**
     * Completed when the connection ends, for whatever reason (never exceptionally).
     *
     * @return the future
     */
    CompletableFuture<PtyDisconnect> disconnected();

    /**
     * Waits until the connection ends.
     *
     * @param timeout how long to wait at most
     * @return why it ended
     * @throws SandboxException with code {@link io.opensandbox.api.SandboxError#TIMEOUT} when it did not end in
     *     time, {@link io.opensandbox.api.SandboxError#CANCELLED} when this thread was interrupted
     */
    PtyDisconnect awaitDisconnect(Duration timeout);

    /**
     * Closes the connection (close code 1000) and waits briefly for execd to answer; the shell keeps running and
     * can be attached again. Idempotent.
     */
    @Override
    void close();
}
