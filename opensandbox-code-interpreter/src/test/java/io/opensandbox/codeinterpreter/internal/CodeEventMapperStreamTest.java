package io.opensandbox.codeinterpreter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.stream.EventDecoder;
import io.opensandbox.codeinterpreter.CodeContext;
import io.opensandbox.codeinterpreter.CodeError;
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeInterpreter;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.CodeResult;
import io.opensandbox.codeinterpreter.SupportedLanguage;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.testkit.LocalSandboxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event mapping fed with live {@code POST /code} streams of the testkit (read here with the JDK HttpClient; the
 * SDK's own stream reading comes with the shared stream runtime): the mapping ends the run at its terminal event.
 */
@ExtendWith(LocalSandboxExtension.class)
class CodeEventMapperStreamTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ConnectionConfig config;
    private Sandbox sandbox;
    private CodeContext context;

    CodeEventMapperStreamTest(ConnectionConfig config) {
        this.config = config;
    }

    @BeforeEach
    void createContext() {
        sandbox =
                Sandbox.builder().image("python:3.12").connectionConfig(config).create();
        context = CodeInterpreter.of(sandbox).createContext(SupportedLanguage.PYTHON);
    }

    @AfterEach
    void kill() {
        sandbox.kill();
        sandbox.close();
    }

    /** Posts the code and applies each event line until the mapper says the run ended. */
    private CodeExecution run(String code, CodeExecutionHandlers handlers) throws Exception {
        Endpoint endpoint = sandbox.endpoint(SandboxHandle.EXECD_PORT);
        String body = new String(
                io.opensandbox.api.internal.Json.write(
                        new Wire.RunCodeRequest(code, new Wire.ContextRef(context.id(), context.language()))),
                StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.baseUrl(config.protocol()) + "/code"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        endpoint.headers().forEach(request::header);
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        CodeEventMapper mapper = new CodeEventMapper(handlers, false);
        EventDecoder decoder = new EventDecoder(1024 * 1024, false);
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[8192];
            int n;
            while (!mapper.finished() && (n = in.read(buffer)) >= 0) {
                decoder.feed(buffer, 0, n, mapper::apply);
            }
        } catch (IOException e) {
            throw new AssertionError("the stream broke before its terminal event", e);
        }
        assertThat(mapper.finished()).as("terminal event seen").isTrue();
        return mapper.execution();
    }

    @Test
    void stateResultsOutputAndErrors_mapFromTheTestkitsStream() throws Exception {
        List<String> seen = new ArrayList<>();
        CodeExecutionHandlers handlers = new CodeExecutionHandlers() {
            @Override
            public void onStdout(CodeOutput output) {
                seen.add("stdout:" + output.text());
            }

            @Override
            public void onResult(CodeResult result) {
                seen.add("result:" + result.mimeTypes());
            }

            @Override
            public void onError(CodeError error) {
                seen.add("error:" + error.name());
            }
        };

        CodeExecution first = run("x = 41\nprint('set')", handlers);
        assertThat(first.contextId()).contains(context.id());
        assertThat(first.stdoutText()).isEqualTo("set\n");
        assertThat(first.results()).isEmpty();
        assertThat(first.executionCount()).isEmpty();
        assertThat(first.complete()).isPresent();

        CodeExecution second = run(
                "class Png:\n    def _repr_png_(self): return b'\\x89PNG'\n"
                        + "    def _repr_html_(self): return '<i>x</i>'\nx + 1",
                handlers);
        assertThat(second.text()).contains("42");
        assertThat(second.executionCount()).hasValue(2);

        CodeExecution third = run("Png()", handlers);
        CodeResult png = third.results().get(0);
        assertThat(png.png()).hasValueSatisfying(bytes -> assertThat(bytes).containsExactly(0x89, 'P', 'N', 'G'));
        assertThat(png.html()).contains("<i>x</i>");

        CodeExecution failed = run("undefined_name", handlers);
        assertThat(failed.error().orElseThrow().name()).isEqualTo("NameError");
        assertThat(failed.error().orElseThrow().traceback()).isNotEmpty();
        assertThat(failed.complete())
                .as("execd completes after a kernel error too")
                .isPresent();

        assertThat(seen)
                .containsExactly(
                        "stdout:set\n", "result:[text]", "result:[text, text/html, image/png]", "error:NameError");
    }
}
