package io.opensandbox.examples;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;

/**
 * The seed SDK's quick start in Java: create a sandbox, run a command, stream a counting loop, write and read a
 * file, kill the sandbox.
 *
 * <p>With {@code OPEN_SANDBOX_DOMAIN} set (and {@code OPEN_SANDBOX_API_KEY} when the server needs one) it talks to
 * that server, creating a sandbox from {@code OPEN_SANDBOX_IMAGE} (default {@code ubuntu:24.04}); otherwise it
 * starts an embedded local test server on 127.0.0.1 first.
 */
public final class QuickStart {
    private QuickStart() {}

    /**
     * Runs the quick start.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String domain = System.getenv(ConnectionConfig.DOMAIN_ENV);
        if (domain != null && !domain.isBlank()) {
            System.out.println("Using the OpenSandbox server at " + domain);
            run(ConnectionConfig.fromEnvironment());
            return;
        }
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            System.out.println("OPEN_SANDBOX_DOMAIN is not set: using an embedded local server at " + server.domain());
            run(ConnectionConfig.builder().domain(server.domain()).build());
        }
    }

    static void run(ConnectionConfig config) {
        String image = System.getenv().getOrDefault("OPEN_SANDBOX_IMAGE", "ubuntu:24.04");
        try (Sandbox sandbox = Sandbox.builder()
                .image(image)
                .timeout(Duration.ofMinutes(10))
                .connectionConfig(config)
                .create()) {
            System.out.println("Created sandbox " + sandbox.id());
            try {
                Commands commands = Commands.of(sandbox);

                Execution hello = commands.run("echo 'Hello Sandbox!'");
                System.out.println("stdout: " + hello.stdoutText().strip());

                System.out.println("Streaming a counting loop:");
                Execution loop = commands.run(
                        "for i in 1 2 3 4 5; do echo \"count $i\"; sleep 0.2; done",
                        RunOptions.defaults(),
                        new ExecutionHandlers() {
                            @Override
                            public void onStdout(OutputMessage message) {
                                System.out.println("  " + message.text());
                            }
                        });
                System.out.println("Loop exited with " + loop.exitCode().orElse(-1));

                SandboxFiles files = SandboxFiles.of(sandbox);
                files.writeFile("/tmp/hello.txt", "Hello from the Java SDK\n");
                System.out.println(
                        "Read back: " + files.readFile("/tmp/hello.txt").strip());
                System.out.println("cat in the sandbox: "
                        + commands.run("cat /tmp/hello.txt").stdoutText().strip());
            } finally {
                sandbox.kill();
                System.out.println("Killed sandbox " + sandbox.id());
            }
        }
    }
}
