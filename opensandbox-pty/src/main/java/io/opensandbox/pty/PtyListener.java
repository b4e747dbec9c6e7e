package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;

/**
 * Receives what a session sends while attached. Every method defaults to doing nothing.
 *
 * <p>Calls come one at a time, in order, on the SDK's handler threads ({@code opensandbox-handler-N}), never on
 * an I/O thread. The next message is read from the network only once a call has returned: a slow listener slows
 * the connection down (and, if it stalls for long, execd drops it: reattach from {@link PtyDisconnect#offset()}),
 * and nothing queues up in memory. Do not block for long in a call; hand long work to a thread of your own.
 * What a listener throws is logged and dropped.
 */
public interface PtyListener {

    /**
     * execd has attached the connection: the replay (if any) has been delivered and live output follows.
     *
     * @param connection the connection
     */
    default void onConnected(PtyConnection connection) {}

    /**
     * Output: replayed on attach ({@link PtyChannel#REPLAY}), then live.
     *
     * @param output the bytes and their offset
     */
    default void onOutput(PtyOutput output) {}

    /**
     * Output between {@code from} and {@code to} is gone: execd keeps only the last MiB, and a reattach asked for
     * older bytes. Output continues at {@code to}.
     *
     * @param from the first lost offset (the {@code since} asked for)
     * @param to the first offset still held
     */
    default void onOutputLost(long from, long to) {}

    /**
     * The shell exited; {@link #onDisconnected} follows.
     *
     * @param exitCode its exit code
     */
    default void onExit(int exitCode) {}

    /**
     * execd reported an error in an {@code error} frame. Codes {@code START_FAILED}, {@code STDIN_WRITE_FAILED}
     * and {@code ALREADY_CONNECTED} end the connection ({@link #onDisconnected} follows); {@code INVALID_FRAME}
     * does not.
     *
     * @param error the error, with execd's code in {@code error().code()}
     */
    default void onError(SandboxException error) {}

    /**
     * The connection ended, for whatever reason; nothing is delivered afterwards.
     *
     * @param disconnect why, and the offset to resume from
     */
    default void onDisconnected(PtyDisconnect disconnect) {}
}
