package io.opensandbox.commands.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.OutputMessage;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bash sessions on the local test server.
 *
 * <p>Like execd, the test server frees a session when its command ends and only then waits out the stream's grace
 * period (one second here, the default), so the SDK, which returns on the terminal event, can run the next command
 * at once. A run that arrives in the instant between the terminal event and the release gets 409
 * {@code SESSION_BUSY}; the tests repeat such a run a bounded number of times.
 */
@Timeout(60)
class SessionsEndToEndTest {
    private static final String API_KEY = "e2e-session-key";

    @RegisterExtension
    static final LocalSandboxExtension SERVER = LocalSandboxExtension.withApiKey(API_KEY);

    private static Sandbox sandbox;
    private static Commands commands;

    @BeforeAll
    static void createSandbox(ConnectionConfig config) {
        sandbox = Sandbox.builder().image("any").connectionConfig(config).create();
        commands = Commands.of(sandbox);
    }

    @AfterAll
    static void killSandbox(LocalSandboxServer server) {
        try {
            sandbox.kill();
        } finally {
            sandbox.close();
        }
        assertThat(server.leakedApiKeyRequests()).isZero();
    }

    private static Execution whenFree(Supplier<Execution> run) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return run.get();
            } catch (ConflictException e) {
                if (attempt >= 100) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private static Execution run(String session, String command) throws InterruptedException {
        return whenFree(() -> commands.runInSession(session, command));
    }

    @Test
    void session_keepsWorkingDirectoryAndExportedVariables() throws Exception {
        String session = commands.createSession("/tmp");
        try {
            assertThat(run(session, "pwd").stdoutText()).isEqualTo("/tmp");
            assertThat(run(session, "cd /usr && export SESSION_VAR='kept value' && LOCAL_ONLY=1")
                            .exitCode())
                    .hasValue(0);
            assertThat(run(session, "pwd; echo \"$SESSION_VAR\"; echo \"${LOCAL_ONLY:-unset}\"")
                            .stdoutText())
                    .isEqualTo("/usr\nkept value\n1");

            Execution perRunCwd = whenFree(() -> commands.runInSession(
                    session, "pwd", RunOptions.builder().workingDirectory("/").build(), ExecutionHandlers.NONE));
            assertThat(perRunCwd.stdoutText()).isEqualTo("/");
            assertThat(perRunCwd.id()).hasValue(session);
        } finally {
            commands.deleteSession(session);
        }
    }

    @Test
    void session_streamsStderrAndReportsFailures() throws Exception {
        String session = commands.createSession();
        try {
            List<String> streamed = new ArrayList<>();
            Execution execution = whenFree(() -> commands.runInSession(
                    session, "echo out; echo err >&2; false", RunOptions.defaults(), new ExecutionHandlers() {
                        @Override
                        public void onStdout(OutputMessage message) {
                            streamed.add("stdout:" + message.text());
                        }

                        @Override
                        public void onStderr(OutputMessage message) {
                            streamed.add("stderr:" + message.text());
                        }
                    }));
            assertThat(streamed).containsExactlyInAnyOrder("stdout:out", "stderr:err");
            assertThat(execution.exitCode()).hasValue(1);
            assertThat(execution.error()).isPresent();

            // The session survives a failing command.
            assertThat(run(session, "echo still-here").stdoutText()).isEqualTo("still-here");
        } finally {
            commands.deleteSession(session);
        }
    }

    @Test
    void session_exitEndsTheShellWithItsStatus() throws Exception {
        String session = commands.createSession();
        Execution exit = run(session, "exit 7");
        assertThat(exit.exitCode()).hasValue(7);
        assertThat(exit.error())
                .hasValueSatisfying(error -> assertThat(error.value()).isEqualTo("7"));
        assertThatThrownBy(() -> commands.deleteSession(session)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void deletedSession_isGone() throws Exception {
        String session = commands.createSession();
        assertThat(run(session, "echo alive").stdoutText()).isEqualTo("alive");
        commands.deleteSession(session);
        // execd answers a run in an unknown session with 500 RUNTIME_ERROR (codeinterpreting.go RunInSession),
        // a delete of one with 404 CONTEXT_NOT_FOUND
        assertThatThrownBy(() -> commands.runInSession(session, "echo gone"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                });
        assertThatThrownBy(() -> commands.deleteSession(session))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        e -> assertThat(e.error().code()).isEqualTo("CONTEXT_NOT_FOUND"));
    }

    @Test
    void sessionRun_rejectsOptionsExecdIgnoresThere() {
        assertThatThrownBy(() -> commands.runInSession(
                        "any", "echo", RunOptions.builder().env("A", "1").build(), ExecutionHandlers.NONE))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
