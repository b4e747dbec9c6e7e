package io.opensandbox.pty.e2e;

import io.opensandbox.api.SandboxException;
import io.opensandbox.pty.PtyChannel;
import io.opensandbox.pty.PtyConnection;
import io.opensandbox.pty.PtyDisconnect;
import io.opensandbox.pty.PtyListener;
import io.opensandbox.pty.PtyOutput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a terminal showed: every output byte in order, by channel too, with bounded waits for text to appear. */
final class Screen implements PtyListener {
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    final List<PtyOutput> outputs = new CopyOnWriteArrayList<>();
    final List<SandboxException> errors = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile int exitCode = -1;
    volatile PtyDisconnect disconnect;
    volatile boolean connected;

    @Override
    public void onConnected(PtyConnection connection) {
        connected = true;
    }

    @Override
    public synchronized void onOutput(PtyOutput output) {
        outputs.add(output);
        threads.add(Thread.currentThread().getName());
        all.writeBytes(output.bytes());
        if (output.channel() == PtyChannel.STDERR) {
            stderr.writeBytes(output.bytes());
        }
        notifyAll();
    }

    @Override
    public void onExit(int exitCode) {
        this.exitCode = exitCode;
    }

    @Override
    public void onError(SandboxException error) {
        errors.add(error);
    }

    @Override
    public synchronized void onDisconnected(PtyDisconnect disconnect) {
        this.disconnect = disconnect;
        notifyAll();
    }

    synchronized String text() {
        return all.toString(StandardCharsets.UTF_8);
    }

    synchronized byte[] bytes() {
        return all.toByteArray();
    }

    synchronized String stderrText() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    /** Waits (at most 30 s) until the output contains {@code expected}; fails with what was shown otherwise. */
    synchronized void await(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!text().contains(expected)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || disconnect != null) {
                throw new AssertionError("waited for " + quote(expected) + " but the terminal showed " + quote(text())
                        + (disconnect == null ? "" : " and ended: " + disconnect));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private static String quote(String text) {
        return "\"" + text.replace("\r", "\\r").replace("\n", "\\n").replace("\u001b", "\\e") + "\"";
    }
}
