package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One code context: a long-lived interpreter process inside the sandbox, the testkit's stand-in for a Jupyter kernel.
 * The process runs {@code kernel_driver.py} (a resource beside this class) with {@code python3} from the machine,
 * started by the {@link Launcher} like every sandbox command (same namespaces, same root, same environment). Requests
 * go to its stdin and its messages come back from its stdout, one JSON object a line (the driver's header describes
 * them); {@link CodeApi} turns the messages into execd's events.
 */
final class Kernel {
    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);
    private static final String DRIVER = loadDriver();
    private static final long START_TIMEOUT_MS = 20_000;
    private static final int MAX_MESSAGE_CHARS = 64 * 1024 * 1024;
    private static final int MAX_QUEUED = 100_000;
    private static final int STDERR_KEPT = 4096;

    /** The message the reader queues once the driver's stdout ends. */
    static final String EXIT = "exit";

    private final String id;
    private final String language;
    private final @Nullable String cwd;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final ReentrantLock runLock = new ReentrantLock();
    private final StringBuilder stderrTail = new StringBuilder();

    private Kernel(String id, String language, @Nullable String cwd, Process process) {
        this.id = id;
        this.language = language;
        this.cwd = cwd;
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    private static String loadDriver() {
        try (InputStream in = Kernel.class.getResourceAsStream("kernel_driver.py")) {
            if (in == null) {
                throw new IllegalStateException("kernel_driver.py is missing from the testkit jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the interpreter of a new context and waits until it is ready.
     *
     * @param language {@code python} or {@code bash}
     * @param cwd the working directory inside the sandbox
     * @param requestedCwd the cwd the client asked for, reported back as it was given, or {@code null}
     * @throws IOException if the interpreter cannot be started
     */
    static Kernel start(
            ServerCore core,
            SandboxRecord sb,
            String id,
            String language,
            String cwd,
            @Nullable String requestedCwd,
            boolean noNetwork)
            throws IOException, ApiException {
        String command = "exec python3 -u -c " + BashSession.shellQuote(DRIVER) + " " + language;
        Process p = core.launcher().start(new Launcher.Spec(sb, command, cwd, Map.of(), null, null, noNetwork));
        Kernel kernel = new Kernel(id, language, requestedCwd, p);
        core.io().execute(kernel::readMessages);
        core.io().execute(kernel::readStderr);
        JsonNode first;
        try {
            first = kernel.messages.poll(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kernel.kill();
            throw new IOException("interrupted while starting the " + language + " interpreter", e);
        }
        if (first == null || !"ready".equals(first.path("type").asText())) {
            kernel.kill();
            throw new IOException("the " + language + " interpreter (python3 " + "kernel_driver.py) did not start"
                    + (first == null ? " within " + START_TIMEOUT_MS + " ms" : "") + ": " + kernel.stderrTail());
        }
        return kernel;
    }

    private void readMessages() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.length() > MAX_MESSAGE_CHARS) {
                    continue;
                }
                try {
                    if (!messages.offer(Json.MAPPER.readTree(line))) {
                        LOG.debug("context {}: message dropped, {} are queued", id, MAX_QUEUED);
                    }
                } catch (IOException e) {
                    LOG.debug("context {}: unreadable message from the interpreter: {}", id, e.getMessage());
                }
            }
        } catch (IOException e) {
            // the process is gone
        } finally {
            ObjectNode exit = Json.object();
            exit.put("type", EXIT);
            messages.offer(exit);
        }
    }

    private void readStderr() {
        byte[] buf = new byte[4096];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (stderrTail) {
                    stderrTail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (stderrTail.length() > STDERR_KEPT) {
                        stderrTail.delete(0, stderrTail.length() - STDERR_KEPT);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    String stderrTail() {
        synchronized (stderrTail) {
            return stderrTail.toString().trim();
        }
    }

    String id() {
        return id;
    }

    String language() {
        return language;
    }

    @Nullable
    String cwd() {
        return cwd;
    }

    /** Held for the whole of one run; a second run on a busy context fails, as on a Jupyter kernel behind execd. */
    ReentrantLock runLock() {
        return runLock;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Asks the interpreter to run code; its messages then arrive through {@link #poll}. */
    void run(String code) throws IOException {
        messages.removeIf(m -> !EXIT.equals(m.path("type").asText())); // output left over from an earlier run
        ObjectNode request = Json.object();
        request.put("op", "run");
        request.put("code", code);
        send(request);
    }

    /** Interrupts the running code (a no-op when the interpreter is idle, as for a Jupyter kernel). */
    void interrupt() throws IOException {
        ObjectNode request = Json.object();
        request.put("op", "interrupt");
        send(request);
    }

    private void send(ObjectNode request) throws IOException {
        byte[] line = Json.bytes(request);
        synchronized (stdin) {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        }
    }

    /** The next message of the interpreter, waiting at most {@code millis}; {@code null} when none came. */
    @Nullable
    JsonNode poll(long millis) throws InterruptedException {
        return messages.poll(millis, TimeUnit.MILLISECONDS);
    }

    void kill() {
        Launcher.kill(process);
    }
}
