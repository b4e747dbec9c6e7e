package io.opensandbox.testkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A long-lived bash reading commands from its stdin. Each run is sent as an {@code eval} of the base64-encoded
 * command (so quoting and here-documents survive), followed by a unique marker line carrying the exit code on stdout
 * and a marker on stderr; the shell's cwd and exported variables persist between runs.
 */
final class BashSession implements LinePump.Sink {
    record Line(String type, @Nullable String text, long timestamp) {}

    private final String id;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>(10_000);
    private final ReentrantLock runLock = new ReentrantLock();

    BashSession(String id, Process process) {
        this.id = id;
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    String id() {
        return id;
    }

    Process process() {
        return process;
    }

    ReentrantLock runLock() {
        return runLock;
    }

    BlockingQueue<Line> lines() {
        return lines;
    }

    @Override
    public void line(String type, String text) {
        lines.offer(new Line(type, text, System.currentTimeMillis()));
    }

    @Override
    public void eof(String type) {
        lines.offer(new Line(type, null, System.currentTimeMillis()));
    }

    /** Sends one run to the shell; returns the marker that ends its output. */
    String submit(String command, @Nullable String cwd) throws IOException {
        String marker = "__OSB_END_" + UUID.randomUUID().toString().replace("-", "") + "__";
        String b64 = Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8));
        String eval = "eval \"$(printf %s '" + b64 + "' | base64 -d)\" </dev/null; __osb_ec=$?";
        StringBuilder script = new StringBuilder();
        if (cwd != null) {
            script.append("__osb_prev=$PWD; if cd -- ")
                    .append(shellQuote(cwd))
                    .append("; then ")
                    .append(eval)
                    .append("; cd -- \"$__osb_prev\"; else __osb_ec=1; fi\n");
        } else {
            script.append(eval).append('\n');
        }
        script.append("printf '%s %d\\n' '")
                .append(marker)
                .append("' \"$__osb_ec\"; printf '%s\\n' '")
                .append(marker)
                .append("' >&2\n");
        stdin.write(script.toString().getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        return marker;
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    void kill() {
        Launcher.kill(process);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
