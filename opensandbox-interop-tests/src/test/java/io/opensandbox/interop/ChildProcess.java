package io.opensandbox.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end within a bound, echoing and keeping its combined output. */
final class ChildProcess {
    private ChildProcess() {}

    /** What a finished command left: its exit status and its combined standard output and error. */
    record Result(int exitCode, String output) {}

    static Result run(List<String> command, Path directory, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot start " + command.get(0) + ": Node.js 20+ and npm must be on the PATH"
                            + " (.ci/run installs Debian's nodejs and npm when node is missing)",
                    e);
        }
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(
                () -> {
                    try (InputStream in = p.getInputStream()) {
                        byte[] buf = new byte[8192];
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                            System.out.print(s);
                            synchronized (output) {
                                output.append(s);
                            }
                        }
                    } catch (IOException ignored) {
                        // the process was killed; what was read is kept
                    }
                },
                "child-output");
        pump.setDaemon(true);
        pump.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            pump.join(5_000);
            throw new AssertionError(
                    String.join(" ", command) + " did not finish within " + limit + "; output:\n" + output);
        }
        pump.join(10_000);
        synchronized (output) {
            return new Result(p.exitValue(), output.toString());
        }
    }
}
