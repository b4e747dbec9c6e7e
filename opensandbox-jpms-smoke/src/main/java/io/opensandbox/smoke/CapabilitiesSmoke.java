package io.opensandbox.smoke;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.files.FileInfo;
import io.opensandbox.files.FileMode;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.network.Egress;
import io.opensandbox.network.EgressPolicyStatus;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs every capability module on the module path against the testkit's local server on 127.0.0.1: creates a
 * sandbox with a network policy (lifecycle), runs a command and reads its output (commands), writes a file with a
 * mode, reads it back and reads its metadata (files), reads the egress policy through the sidecar and patches it
 * (network), and kills the sandbox. Every request and response body goes through Jackson's reflection on the
 * packages each module opens, so a missing {@code opens}, {@code exports} or {@code requires} in any of them fails
 * the run. Exits non-zero on any failure.
 *
 * <p>The capability modules are {@code requires static} in this module (so that {@link ModulePathSmoke} still
 * proves that {@code requires io.opensandbox.lifecycle} alone resolves nothing more); this run adds them with
 * {@code --add-modules}, after which they resolve and are read exactly as with a plain {@code requires}.
 */
public final class CapabilitiesSmoke {
    private static final Set<String> EXPECTED_MODULES = Set.of(
            "io.opensandbox.api",
            "io.opensandbox.commands",
            "io.opensandbox.files",
            "io.opensandbox.lifecycle",
            "io.opensandbox.network",
            "io.opensandbox.smoke",
            "io.opensandbox.testkit",
            "io.opensandbox.transport.httpclient5",
            "io.opensandbox.transport.jdk"); // on the module path for the surface check, bound as a provider

    private CapabilitiesSmoke() {}

    /**
     * Runs the smoke test.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                .apiKey("smoke-key")
                .isolation(LocalSandboxServer.Isolation.UNISOLATED)
                .start()) {
            ConnectionConfig config = ConnectionConfig.builder()
                    .domain(server.domain())
                    .apiKey("smoke-key")
                    .build();
            NetworkPolicy policy = NetworkPolicy.denyByDefault(EgressRule.allow("pypi.org"));
            try (Sandbox sandbox = Sandbox.builder()
                    .image("ubuntu:24.04")
                    .timeout(Duration.ofMinutes(5))
                    .networkPolicy(policy)
                    .connectionConfig(config)
                    .create()) {
                Execution echo = Commands.of(sandbox).run("echo module-path");
                check(echo.exitCode().equals(OptionalInt.of(0)), "echo exit code, got " + echo.exitCode());
                check(echo.stdoutText().strip().equals("module-path"), "echo output, got " + echo.stdoutText());

                SandboxFiles files = SandboxFiles.of(sandbox);
                files.writeFiles(List.of(WriteEntry.builder("/tmp/smoke/hello.txt")
                        .content("hello from the module path")
                        .mode(FileMode.of("640"))
                        .build()));
                String text = files.readFile("/tmp/smoke/hello.txt");
                check(text.equals("hello from the module path"), "file read back, got " + text);
                FileInfo info = files.getFileInfo("/tmp/smoke/hello.txt");
                check(info.mode().equals(FileMode.of("640")) && info.size() == text.length(), "file info " + info);

                Egress egress = Egress.of(sandbox);
                EgressPolicyStatus status = egress.getEgressPolicy();
                check(status.policy().equals(Optional.of(policy)), "egress policy, got " + status);
                EgressPolicyStatus patched = egress.patchEgressRules(EgressRule.deny("example.com"));
                check(
                        patched.policy().map(p -> p.egress().size()).equals(Optional.of(2)),
                        "patched egress policy, got " + patched);

                sandbox.kill();
                Set<String> sdkModules = ModuleLayer.boot().modules().stream()
                        .map(Module::getName)
                        .filter(name -> name.startsWith("io.opensandbox."))
                        .collect(Collectors.toCollection(TreeSet::new));
                check(sdkModules.equals(EXPECTED_MODULES), "SDK modules resolved, got " + sdkModules);
                check(
                        sandbox.transport().name().equals("httpclient5"),
                        "transport " + sandbox.transport().name());
                System.out.println("module-path capabilities smoke test passed: lifecycle, commands, files and network"
                        + " against the testkit server, transport "
                        + sandbox.transport().name()
                        + ", SDK modules resolved " + sdkModules);
            }
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("module-path capabilities smoke test failed: " + what);
        }
    }
}
