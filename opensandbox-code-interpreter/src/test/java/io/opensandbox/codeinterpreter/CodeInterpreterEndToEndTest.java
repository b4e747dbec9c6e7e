package io.opensandbox.codeinterpreter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The context calls through a real {@link Sandbox} against the testkit's code interpreter. */
@ExtendWith(LocalSandboxExtension.class)
class CodeInterpreterEndToEndTest {
    private final ConnectionConfig config;

    CodeInterpreterEndToEndTest(ConnectionConfig config) {
        // execd's 500 for an unknown interrupt id is final; no retries in this test
        this.config = config.toBuilder().retryPolicy(RetryPolicy.disabled()).build();
    }

    @Test
    void contexts_createGetListDeleteAndDeleteByLanguage() {
        try (Sandbox sandbox =
                Sandbox.builder().image("python:3.12").connectionConfig(config).create()) {
            CodeInterpreter interpreter = CodeInterpreter.of(sandbox);

            CodeContext python = interpreter.createContext(SupportedLanguage.PYTHON, "/workspace/notebooks");
            CodeContext bash = interpreter.createContext(SupportedLanguage.BASH);
            CodeContext other = interpreter.createContext(SupportedLanguage.PYTHON);

            assertThat(python.cwd()).contains("/workspace/notebooks");
            assertThat(bash.language()).isEqualTo("bash");
            assertThat(interpreter.getContext(python.id())).isEqualTo(CodeContext.of(python.id(), "python"));
            assertThat(interpreter.listContexts())
                    .extracting(CodeContext::id)
                    .containsExactlyInAnyOrder(python.id(), bash.id(), other.id());
            assertThat(interpreter.listContexts(SupportedLanguage.PYTHON))
                    .extracting(CodeContext::id)
                    .containsExactlyInAnyOrder(python.id(), other.id());

            interpreter.deleteContext(bash.id());
            assertThatThrownBy(() -> interpreter.getContext(bash.id())).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> interpreter.deleteContext(bash.id())).isInstanceOf(NotFoundException.class);

            interpreter.deleteContexts(SupportedLanguage.PYTHON);
            assertThat(interpreter.listContexts()).isEmpty();
            interpreter.deleteContexts(SupportedLanguage.PYTHON); // nothing left: still fine
        }
    }

    @Test
    void interrupt_ofAnIdleContextIsFine_andOfAnUnknownOneIsExecds500() {
        try (Sandbox sandbox =
                Sandbox.builder().image("python:3.12").connectionConfig(config).create()) {
            CodeInterpreter interpreter = CodeInterpreter.of(sandbox);
            CodeContext context = interpreter.createContext(SupportedLanguage.PYTHON);

            interpreter.interrupt(context.id());

            assertThatThrownBy(() -> interpreter.interrupt("no-such-context"))
                    .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(500);
                        assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                    });
            assertThat(interpreter.listContexts(SupportedLanguage.PYTHON)).containsExactly(context);
        }
    }

    @Test
    void createContext_ofALanguageWithoutInterpreter_failsWithExecds500() {
        try (Sandbox sandbox =
                Sandbox.builder().image("python:3.12").connectionConfig(config).create()) {
            assertThatThrownBy(() -> CodeInterpreter.of(sandbox).createContext(SupportedLanguage.GO))
                    .isInstanceOfSatisfying(
                            SandboxApiException.class,
                            e -> assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR"));
        }
    }
}
