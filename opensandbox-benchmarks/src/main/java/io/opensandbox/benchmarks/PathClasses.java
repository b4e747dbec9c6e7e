package io.opensandbox.benchmarks;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxServer;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Marks one call path for a class-loading log: creates a sandbox on an embedded testkit server, makes the
 * {@code Commands} and {@code SandboxFiles} views, prints {@code == run} or {@code == download}, makes one
 * {@code Commands.run("echo hi")} or one {@code SandboxFiles.download} of a small file to a discarding stream, and
 * prints {@code == end}. Run it with {@code -Xlog:class+load=info:stdout} and count the classes logged between the
 * markers (BENCHMARKS.md has the command). Uses only API that fcb19e2 already had, so the same file measures older
 * trees.
 *
 * <p>Argument: {@code run} or {@code download}.
 */
public final class PathClasses {
    private PathClasses() {}

    /**
     * Runs one path.
     *
     * @param args {@code run} or {@code download}
     */
    public static void main(String[] args) {
        String path = args.length == 1 ? args[0] : "";
        if (!path.equals("run") && !path.equals("download")) {
            throw new IllegalArgumentException("usage: PathClasses run|download");
        }
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            ConnectionConfig config =
                    ConnectionConfig.builder().domain(server.domain()).build();
            try (Sandbox sandbox = Sandbox.builder()
                    .image("ubuntu:24.04")
                    .timeout(Duration.ofMinutes(10))
                    .connectionConfig(config)
                    .create()) {
                Commands commands = Commands.of(sandbox);
                SandboxFiles files = SandboxFiles.of(sandbox);
                System.out.println("== " + path);
                if (path.equals("run")) {
                    System.out.println(
                            "stdout=" + commands.run("echo hi").stdoutText().strip());
                } else {
                    System.out.println("bytes=" + files.download("/etc/os-release", OutputStream.nullOutputStream()));
                }
                System.out.println("== end");
                sandbox.kill();
            }
        }
    }
}
