package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a connection's events to a {@link PtyListener} on the thread that decoded them (a handler thread);
 * the next message is read once the listener returned, so a slow listener slows the connection, nothing more.
 */
final class ListenerSink implements TerminalConnection.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerSink.class);

    private final PtyListener listener;

    ListenerSink(PtyListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void connected(PtyConnection connection) {
        guard("onConnected", () -> listener.onConnected(connection));
    }

    @Override
    public void output(PtyOutput output) {
        guard("onOutput", () -> listener.onOutput(output));
    }

    @Override
    public void lost(long from, long to) {
        guard("onOutputLost", () -> listener.onOutputLost(from, to));
    }

    @Override
    public void exit(int exitCode) {
        guard("onExit", () -> listener.onExit(exitCode));
    }

    @Override
    public void error(SandboxException error) {
        guard("onError", () -> listener.onError(error));
    }

    @Override
    public void disconnected(PtyDisconnect disconnect) {
        guard("onDisconnected", () -> listener.onDisconnected(disconnect));
    }

    @Override
    public boolean wantsMore() {
        return true;
    }

    private void guard(String method, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn(
                    "PtyListener {} threw from {}; ignored", listener.getClass().getName(), method, e);
        }
    }
}
