package io.opensandbox.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript SDK ({@code @alibaba-group/opensandbox}, the version pinned in {@code
 * src/test/node/package-lock.json}) against the standalone testkit server: {@code npm ci} then {@code node
 * scenario.mjs}, both child processes with a bound. The scenario prints one {@code ok}/{@code not ok} line per step
 * and a final count; every step must pass.
 */
class TypeScriptSdkScenarioIT {
    private static final String API_KEY = "interop-ts-key";
    private static final Pattern SUMMARY = Pattern.compile("# steps: (\\d+) passed, (\\d+) failed");
    private static final Pattern STEP = Pattern.compile("(?m)^await step\\(");

    @Test
    void officialTypeScriptSdk_passesEveryScenarioStep_againstTheStandaloneServer() throws Exception {
        Path source = Path.of(System.getProperty("interop.nodeDir"));
        Path work = Path.of(System.getProperty("interop.workDir"), "typescript");
        Files.createDirectories(work);
        for (String file : List.of("package.json", "package-lock.json", "scenario.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        ChildProcess.Result version =
                ChildProcess.run(List.of("node", "--version"), work, Map.of(), Duration.ofSeconds(30));
        Matcher major = Pattern.compile("v(\\d+)\\.").matcher(version.output());
        assertThat(major.find()).as("node --version: %s", version.output()).isTrue();
        assertThat(Integer.parseInt(major.group(1)))
                .as(
                        "the SDK (and its undici) needs Node 20 or later; found %s",
                        version.output().strip())
                .isGreaterThanOrEqualTo(20);
        ChildProcess.Result install = ChildProcess.run(
                List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                work,
                Map.of(),
                Duration.ofMinutes(3));
        assertThat(install.exitCode()).as("npm ci:\n%s", install.output()).isZero();

        String script = Files.readString(source.resolve("scenario.mjs"));
        Matcher declared = STEP.matcher(script);
        int steps = 0;
        while (declared.find()) {
            steps++;
        }

        try (StandaloneServer server = StandaloneServer.start(API_KEY)) {
            ChildProcess.Result run = ChildProcess.run(
                    List.of("node", "scenario.mjs"),
                    work,
                    Map.of("OPEN_SANDBOX_DOMAIN", server.domain(), "OPEN_SANDBOX_API_KEY", API_KEY),
                    Duration.ofMinutes(3));
            Matcher summary = SUMMARY.matcher(run.output());
            assertThat(summary.find())
                    .as("the scenario's summary line in:\n%s", run.output())
                    .isTrue();
            assertThat(Integer.parseInt(summary.group(2)))
                    .as("failed steps:\n%s", run.output())
                    .isZero();
            assertThat(Integer.parseInt(summary.group(1)))
                    .as("every declared step ran")
                    .isEqualTo(steps);
            assertThat(run.exitCode()).isZero();
            // A known defect of the SDK, not of the server (execd ignores the header): it merges its lifecycle
            // headers, API key included, into every execd and egress request.
            System.out.println("TypeScript SDK: " + server.leakedApiKeyRequests()
                    + " requests to execd/egress carried OPEN-SANDBOX-API-KEY");
        }
    }
}
