package io.opensandbox.codeinterpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs through the SDK against the testkit's code interpreter: a real python3 (or bash) process per context. */
@ExtendWith(LocalSandboxExtension.class)
class CodeRunEndToEndTest {
    /** A real 1x1 PNG (signature, IHDR, IDAT, IEND). */
    private static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /** How many contexts run at once in the concurrency test (system property {@code ci.concurrentRuns}). */
    private static final int CONCURRENT = Integer.getInteger("ci.concurrentRuns", 100);

    private final ConnectionConfig config;
    private Sandbox sandbox;
    private CodeInterpreter interpreter;

    CodeRunEndToEndTest(ConnectionConfig config) {
        this.config = config.toBuilder().retryPolicy(RetryPolicy.disabled()).build();
    }

    @BeforeEach
    void create() {
        sandbox =
                Sandbox.builder().image("python:3.12").connectionConfig(config).create();
        interpreter = CodeInterpreter.of(sandbox);
    }

    @AfterEach
    void kill() {
        sandbox.kill();
        sandbox.close();
    }

    @Test
    void stateIsKeptAcrossRuns_andTheLastExpressionIsTheResult() {
        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);

        CodeExecution first = interpreter.run(context, "x = 41");
        CodeExecution second = interpreter.run(context, "x + 1");

        assertThat(first.results()).isEmpty();
        assertThat(first.error()).isEmpty();
        assertThat(second.text()).contains("42");
        assertThat(second.executionCount()).hasValue(2);
        assertThat(second.contextId()).contains(context.id());
        assertThat(second.complete()).isPresent();
    }

    @Test
    void defaultContextOfALanguage_isCreatedOnFirstUse_andKeepsState() {
        interpreter.run("y = 'kept'");

        CodeExecution again = interpreter.run("y");

        assertThat(again.text()).contains("'kept'");
        assertThat(interpreter.listContexts(SupportedLanguage.PYTHON))
                .extracting(CodeContext::id)
                .containsExactly(again.contextId().orElseThrow());
    }

    @Test
    void stdout_reachesTheHandlerWhileTheCodeIsStillRunning() {
        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);
        CodeContext helper = interpreter.createContext(SupportedLanguage.PYTHON);
        String go = "/tmp/go-" + UUID.randomUUID();
        List<String> seen = new ArrayList<>();

        // the code waits (at most 60 s) for a file that only the handler of its first line creates
        CodeExecution execution = interpreter.run(
                context,
                "import os, time\nprint('ready', flush=True)\n"
                        + "for _ in range(600):\n    if os.path.exists('" + go + "'): break\n    time.sleep(0.1)\n"
                        + "print('released' if os.path.exists('" + go + "') else 'timed out')",
                RunCodeOptions.defaults(),
                new CodeExecutionHandlers() {
                    @Override
                    public void onStdout(CodeOutput output) {
                        seen.add(output.text());
                        if (output.text().contains("ready")) {
                            interpreter.run(helper, "open('" + go + "', 'w').close()");
                        }
                    }
                });

        assertThat(execution.stdoutText()).isEqualTo("ready\nreleased\n");
        assertThat(seen).containsExactly("ready\n", "released\n");
    }

    @Test
    void richResults_htmlPngBytesAndMarkdown() {
        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);

        CodeExecution execution = interpreter.run(
                context,
                "import base64\n"
                        + "class Chart:\n"
                        + "    def _repr_html_(self): return '<table><tr><td>1</td></tr></table>'\n"
                        + "    def _repr_png_(self): return base64.b64decode('" + PNG_BASE64 + "')\n"
                        + "    def _repr_markdown_(self): return '# Chart'\n"
                        + "    def __repr__(self): return 'Chart()'\n"
                        + "Chart()");

        CodeResult result = execution.results().get(0);
        assertThat(result.text()).contains("Chart()");
        assertThat(result.html()).contains("<table><tr><td>1</td></tr></table>");
        assertThat(result.markdown()).contains("# Chart");
        assertThat(result.png())
                .hasValueSatisfying(bytes -> assertThat(bytes)
                        .isEqualTo(java.util.Base64.getDecoder().decode(PNG_BASE64))
                        .startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'));
    }

    @Test
    void kernelError_isDataWithATraceback_andTheContextRunsTheNextCodeAtOnce() {
        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);
        interpreter.run(context, "z = 7");

        CodeExecution failed = interpreter.run(context, "def f():\n    return 1 / 0\nf()");
        // the run returned at execd's completion after the error: the context is free again
        CodeExecution next = interpreter.run(context, "z * 6");

        CodeError error = failed.error().orElseThrow();
        assertThat(error.name()).isEqualTo("ZeroDivisionError");
        assertThat(error.value()).isEqualTo("division by zero");
        assertThat(String.join("\n", error.traceback()))
                .contains("ZeroDivisionError")
                .contains("in f");
        assertThat(failed.complete()).isPresent();
        assertThat(next.text()).contains("42");
    }

    @Test
    void interrupt_stopsABusyLoop_andTheContextKeepsItsState() throws Exception {
        CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);
        interpreter.run(context, "kept = 'yes'");
        CountDownLatch spinning = new CountDownLatch(1);

        CompletableFuture<CodeExecution> run = interpreter.runAsync(
                context,
                "print('spinning', flush=True)\nwhile True: pass",
                RunCodeOptions.defaults(),
                new CodeExecutionHandlers() {
                    @Override
                    public void onStdout(CodeOutput output) {
                        spinning.countDown();
                    }
                });
        assertThat(spinning.await(60, TimeUnit.SECONDS)).isTrue();
        // a second run in the busy context: execd's JSON error inside the 200 stream, an exception
        assertThatThrownBy(() -> interpreter.run(context, "1")).isInstanceOfSatisfying(SandboxException.class, e -> {
            assertThat(e).isNotInstanceOf(SandboxApiException.class);
            assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
            assertThat(e.error().message()).contains("session is busy");
        });
        interpreter.interrupt(context.id());
        CodeExecution interrupted = run.get(60, TimeUnit.SECONDS);

        assertThat(interrupted.error().orElseThrow().name()).isEqualTo("KeyboardInterrupt");
        assertThat(interpreter.run(context, "kept").text()).contains("'yes'");
    }

    @Test
    void runInAnUnknownContext_isExecds500RuntimeError() {
        assertThatThrownBy(() -> interpreter.run(CodeContext.of("no-such-context", "python"), "1"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                });
    }

    @Test
    void bashContext_keepsVariables_andANonZeroStatusIsAnError() {
        CodeContext bash = interpreter.createContext(SupportedLanguage.BASH);

        interpreter.run(bash, "COUNT=41");
        CodeExecution echoed = interpreter.run(bash, "echo $((COUNT + 1))");
        CodeExecution failed = interpreter.run(bash, "false");

        assertThat(echoed.stdoutText()).isEqualTo("42\n");
        assertThat(echoed.error()).isEmpty();
        assertThat(failed.error()).isPresent();
        assertThat(failed.error().orElseThrow().value()).isEqualTo("1");
    }

    @Test
    void concurrentRunsInSeparateContexts_eachGetTheirOwnResult() throws Exception {
        List<CodeContext> contexts = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            contexts.add(interpreter.createContext(SupportedLanguage.PYTHON));
        }
        List<CompletableFuture<CodeExecution>> runs = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            runs.add(interpreter.runAsync(
                    contexts.get(i),
                    "import os\nn = " + i + "\n(n * 2, os.getpid())",
                    RunCodeOptions.defaults(),
                    CodeExecutionHandlers.NONE));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);

        Set<String> pids = new HashSet<>();
        for (int i = 0; i < CONCURRENT; i++) {
            CodeExecution execution = runs.get(i).get();
            assertThat(execution.contextId()).contains(contexts.get(i).id());
            String text = execution.text().orElseThrow();
            assertThat(text).startsWith("(" + (i * 2) + ", ");
            pids.add(text);
        }
        assertThat(pids).as("one interpreter process per context").hasSize(CONCURRENT);
    }
}
