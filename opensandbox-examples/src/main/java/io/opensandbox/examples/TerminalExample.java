package io.opensandbox.examples;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxException;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.pty.AttachOptions;
import io.opensandbox.pty.Pty;
import io.opensandbox.pty.PtyConnection;
import io.opensandbox.pty.PtyDisconnect;
import io.opensandbox.pty.PtyListener;
import io.opensandbox.pty.PtyOutput;
import io.opensandbox.pty.PtySession;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Attaches this terminal to a shell in a sandbox, like {@code ssh}: what you type goes to the sandbox's bash, what
 * it prints comes here, {@code Ctrl-C} interrupts the remote command, and resizing this window resizes the remote
 * terminal. {@code exit} (or {@code Ctrl-D}) ends the shell, and the example exits with its exit code.
 *
 * <p>Where this process has a console ({@code /dev/tty}), the console is put in raw mode
 * ({@code stty raw -echo}) so every key goes to the sandbox as typed, and restored on exit, even on {@code Ctrl-C}
 * of the JVM; otherwise (input piped in, an IDE console) it runs in line mode: each line is sent as it is entered.
 *
 * <p>With {@code OPEN_SANDBOX_DOMAIN} set it uses that server and {@code OPEN_SANDBOX_IMAGE} (default
 * {@code ubuntu:24.04}); otherwise it starts an embedded local test server on 127.0.0.1, whose shell is this
 * machine's bash.
 */
public final class TerminalExample {
    private TerminalExample() {}

    /**
     * Runs the example.
     *
     * @param args none
     */
    public static void main(String[] args) {
        String domain = System.getenv(ConnectionConfig.DOMAIN_ENV);
        int exitCode;
        if (domain != null && !domain.isBlank()) {
            System.err.println("Using the OpenSandbox server at " + domain);
            exitCode = run(ConnectionConfig.fromEnvironment());
        } else {
            try (io.opensandbox.testkit.LocalSandboxServer server = io.opensandbox.testkit.LocalSandboxServer.start()) {
                System.err.println(
                        "OPEN_SANDBOX_DOMAIN is not set: using an embedded local server at " + server.domain());
                exitCode =
                        run(ConnectionConfig.builder().domain(server.domain()).build());
            }
        }
        System.exit(exitCode);
    }

    static int run(ConnectionConfig config) {
        String image = System.getenv().getOrDefault("OPEN_SANDBOX_IMAGE", "ubuntu:24.04");
        try (Sandbox sandbox = Sandbox.builder()
                .image(image)
                .timeout(Duration.ofMinutes(30))
                .connectionConfig(config)
                .create()) {
            try {
                return attach(sandbox);
            } finally {
                sandbox.kill();
            }
        }
    }

    private static int attach(Sandbox sandbox) {
        Pty pty = Pty.of(sandbox);
        PtySession session = pty.create();
        LocalTerminal local = LocalTerminal.open();
        System.err.println("Attached to sandbox " + sandbox.id() + ", session " + session.id()
                + (local.raw ? " (raw mode; type exit to leave)\r" : " (line mode; type exit to leave)"));
        PrintStream out = System.out;
        AttachOptions options = local.size()
                .map(size -> AttachOptions.builder().size(size[1], size[0]).build())
                .orElse(AttachOptions.defaults());
        try (PtyConnection terminal = session.attach(options, new PtyListener() {
            @Override
            public void onOutput(PtyOutput output) {
                out.write(output.bytes(), 0, output.size());
                out.flush();
            }
        })) {
            Thread keys = new Thread(() -> forwardKeys(terminal, local), "terminal-input");
            keys.setDaemon(true);
            keys.start();
            Thread resizer = new Thread(() -> followSize(terminal, local), "terminal-size");
            resizer.setDaemon(true);
            resizer.start();
            PtyDisconnect end = terminal.disconnected().join();
            local.restore();
            System.err.println();
            System.err.println("Session ended: " + end.reason()
                    + end.exitCode().stream()
                            .mapToObj(code -> ", exit code " + code)
                            .findFirst()
                            .orElse(""));
            return end.exitCode().orElse(end.reason() == PtyDisconnect.Reason.CLOSED ? 0 : 1);
        } finally {
            local.restore();
            try {
                session.delete();
            } catch (SandboxException e) {
                // the shell exited and the session went with the sandbox
            }
        }
    }

    /** Sends what is typed: byte by byte in raw mode (Ctrl-C included), line by line otherwise. */
    private static void forwardKeys(PtyConnection terminal, LocalTerminal local) {
        InputStream in = System.in;
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0 && terminal.isOpen()) {
                    terminal.write(buffer, 0, n);
                }
            }
            if (terminal.isOpen()) {
                terminal.write(local.raw ? "\u0004" : "exit\n"); // end of input: end the shell
            }
        } catch (IOException | SandboxException e) {
            // the connection ended while typing: the main thread reports why
        }
    }

    /** Resizes the remote terminal when this window changes size (polled: Java has no SIGWINCH). */
    private static void followSize(PtyConnection terminal, LocalTerminal local) {
        int[] last = local.size().orElse(null);
        while (terminal.isOpen() && last != null) {
            try {
                TimeUnit.MILLISECONDS.sleep(500);
                int[] now = local.size().orElse(last);
                if (now[0] != last[0] || now[1] != last[1]) {
                    terminal.resize(now[1], now[0]);
                    last = now;
                }
            } catch (InterruptedException e) {
                return;
            } catch (SandboxException e) {
                return;
            }
        }
    }

    /** This process's console, through {@code stty} on {@code /dev/tty}. */
    private static final class LocalTerminal {
        private final boolean raw;
        private final String saved;
        private volatile boolean restored;

        private LocalTerminal(boolean raw, String saved) {
            this.raw = raw;
            this.saved = saved;
        }

        static LocalTerminal open() {
            if (!stdinIsATerminal()) {
                return new LocalTerminal(false, "");
            }
            Optional<String> saved = stty("-g");
            if (saved.isEmpty() || stty("raw", "-echo").isEmpty()) {
                return new LocalTerminal(false, "");
            }
            LocalTerminal terminal = new LocalTerminal(true, saved.get().strip());
            Runtime.getRuntime().addShutdownHook(new Thread(terminal::restore, "terminal-restore"));
            return terminal;
        }

        /** {@code {rows, cols}} of the console, when there is one. */
        Optional<int[]> size() {
            if (!raw) {
                return Optional.empty();
            }
            return stty("size").flatMap(text -> {
                String[] parts = text.strip().split("\\s+", 3);
                try {
                    int rows = Integer.parseInt(parts[0]);
                    int cols = Integer.parseInt(parts[1]);
                    return rows > 0 && cols > 0 ? Optional.of(new int[] {rows, cols}) : Optional.empty();
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
            });
        }

        synchronized void restore() {
            if (raw && !restored) {
                restored = true;
                stty(saved);
            }
        }

        /** Whether this process reads a terminal ({@code test -t 0} on the inherited standard input). */
        private static boolean stdinIsATerminal() {
            try {
                Process test = new ProcessBuilder("sh", "-c", "test -t 0")
                        .redirectInput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                return test.waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Runs {@code stty args </dev/tty}; its output, or empty when it failed. */
        private static Optional<String> stty(String... args) {
            List<String> command = new java.util.ArrayList<>();
            command.add("stty");
            command.addAll(List.of(args));
            try {
                Process process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return process.waitFor() == 0 ? Optional.of(output) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
