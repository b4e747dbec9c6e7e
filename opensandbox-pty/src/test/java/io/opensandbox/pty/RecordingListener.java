package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that writes down every call. */
class RecordingListener implements PtyListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<PtyOutput> outputs = new CopyOnWriteArrayList<>();
    final List<SandboxException> errors = new CopyOnWriteArrayList<>();
    volatile PtyDisconnect disconnect;
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    @Override
    public void onConnected(PtyConnection connection) {
        events.add("connected " + connection.mode());
    }

    @Override
    public void onOutput(PtyOutput output) {
        outputs.add(output);
        events.add(output.channel() + "@" + output.offset() + ":" + output.text());
        synchronized (all) {
            all.writeBytes(output.bytes());
        }
    }

    @Override
    public void onOutputLost(long from, long to) {
        events.add("lost " + from + ".." + to);
    }

    @Override
    public void onExit(int exitCode) {
        events.add("exit " + exitCode);
    }

    @Override
    public void onError(SandboxException error) {
        errors.add(error);
        events.add("error " + error.error().code());
    }

    @Override
    public void onDisconnected(PtyDisconnect disconnect) {
        this.disconnect = disconnect;
        events.add("disconnected " + disconnect.reason());
    }

    String text() {
        synchronized (all) {
            return all.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
