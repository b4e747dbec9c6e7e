package io.opensandbox.examples;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.EgressRule;
import io.opensandbox.codeinterpreter.CodeContext;
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeInterpreter;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.CodeResult;
import io.opensandbox.codeinterpreter.RunCodeOptions;
import io.opensandbox.codeinterpreter.SupportedLanguage;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.files.FileMode;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.files.WriteEntry;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxInfo;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.lifecycle.SandboxState;
import io.opensandbox.network.Credential;
import io.opensandbox.network.CredentialAuth;
import io.opensandbox.network.CredentialBinding;
import io.opensandbox.network.CredentialMatch;
import io.opensandbox.network.CredentialVault;
import io.opensandbox.network.Egress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The README's code, compiled by the build so that it stays true. Not run. */
final class ReadmeSnippets {
    private ReadmeSnippets() {}

    static void lifecycle() {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("sandbox.example.com") // else OPEN_SANDBOX_DOMAIN, else localhost:8080
                .apiKey(System.getenv("MY_KEY")) // else OPEN_SANDBOX_API_KEY
                .build();

        try (Sandbox sandbox = Sandbox.builder()
                .image("python:3.12")
                .timeout(Duration.ofMinutes(30)) // default 10 minutes; manualCleanup() for none
                .metadata("team", "agents")
                .connectionConfig(config)
                .create()) { // waits until execd answers its ping
            SandboxInfo info = sandbox.getInfo();
            Instant expiry = sandbox.renew(Duration.ofHours(1));
            System.out.println(info + " until " + expiry);
            sandbox.kill(); // close() alone only releases local resources
        }

        try (SandboxManager manager = SandboxManager.create(config)) {
            manager.streamSandboxInfos(SandboxFilter.builder()
                            .states(SandboxState.RUNNING)
                            .metadata("team", "agents")
                            .build())
                    .forEach(info -> System.out.println(info.id() + " " + info.state()));
        }
    }

    static void codeInterpreter(Sandbox sandbox, String generatedCode, CodeExecutionHandlers handlers)
            throws IOException {
        CodeInterpreter interpreter = CodeInterpreter.of(sandbox);
        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON, "/workspace");

        interpreter.run(context, "x = 41");
        CodeExecution answer = interpreter.run(context, "x + 1");
        System.out.println(answer.text()); // Optional["42"]

        CodeExecution chart = interpreter.run(
                context,
                generatedCode,
                RunCodeOptions.builder().timeout(Duration.ofMinutes(2)).build(),
                new CodeExecutionHandlers() {
                    @Override
                    public void onStdout(CodeOutput output) {
                        System.out.print(output.text());
                    }
                });
        chart.error().ifPresent(e -> System.out.println(e.name() + ": " + e.value()));
        for (CodeResult result : chart.results()) {
            if (result.png().isPresent()) {
                Files.write(Path.of("chart.png"), result.png().get());
            }
        }

        interpreter.run("1 + 1");
        CompletableFuture<CodeExecution> later =
                interpreter.runAsync(context, "train()", RunCodeOptions.defaults(), handlers);
        interpreter.interrupt(context.id());
        later.cancel(true);
        interpreter.listContexts(SupportedLanguage.PYTHON);
        interpreter.deleteContext(context.id());
    }

    static void capabilities(Sandbox sandbox) {
        Commands commands = Commands.of(sandbox);
        Execution run = commands.run(
                "pip install requests && python app.py",
                RunOptions.builder()
                        .workingDirectory("/srv")
                        .timeout(Duration.ofMinutes(5))
                        .build(),
                new ExecutionHandlers() { // every method defaults to a no-op
                    @Override
                    public void onStdout(OutputMessage line) {
                        System.out.println(line.text());
                    }
                }); // handlers run as output arrives, never on an I/O thread
        int exit = run.exitCode().orElse(-1); // a failing command is data, not an exception
        System.out.println(exit);

        SandboxFiles files = SandboxFiles.of(sandbox);
        files.writeFiles(List.of(
                WriteEntry.of("/data/input.csv", Path.of("input.csv")), // streamed, never held in memory
                WriteEntry.builder("/srv/run.sh")
                        .content("python app.py")
                        .mode(FileMode.of("755"))
                        .build()));
        files.download("/srv/out/model.bin", Path.of("model.bin")); // streamed, bounded by the idle timeout

        Egress.of(sandbox).patchEgressRules(EgressRule.allow("pypi.org"), EgressRule.deny("*.example.com"));
        CredentialVault.of(sandbox)
                .create(
                        List.of(Credential.inline("gh-token", System.getenv("GH_TOKEN"))), // never logged
                        List.of(CredentialBinding.of(
                                "github",
                                CredentialMatch.forHosts("api.github.com"),
                                CredentialAuth.bearer("gh-token"))));
    }
}
