package io.opensandbox.codeinterpreter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.internal.stream.EventDecoder;
import io.opensandbox.codeinterpreter.CodeError;
import io.opensandbox.codeinterpreter.CodeExecution;
import io.opensandbox.codeinterpreter.CodeExecutionComplete;
import io.opensandbox.codeinterpreter.CodeExecutionHandlers;
import io.opensandbox.codeinterpreter.CodeOutput;
import io.opensandbox.codeinterpreter.CodeResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mapping of recorded {@code POST /code} streams (execd in front of Jupyter, and the testkit) to the model. Each
 * stream is written as on the wire: JSON objects separated by blank lines.
 */
class CodeEventMapperTest {

    /** {@code x + 1} after {@code x = 41} in an IPython kernel: the count comes before the result. */
    private static final String RESULT_STREAM = """
            {"type":"init","text":"b7f4c0a2-1d2e-4f5a-9b8c-7d6e5f4a3b2c","timestamp":1733550000001}

            {"type":"ping","text":"pong","timestamp":1733550000002}

            {"type":"stdout","text":"computing\\n","timestamp":1733550000003}

            {"type":"execution_count","execution_count":2,"timestamp":1733550000004}

            {"type":"result","results":{"text":"42"},"timestamp":1733550000005}

            {"type":"execution_complete","execution_time":7,"timestamp":1733550000006}

            """;

    /** A NameError: status "error", the error with IPython's coloured traceback, then the completion. */
    private static final String ERROR_STREAM = """
            {"type":"init","text":"ctx-1","timestamp":1733550000001}

            {"type":"stderr","text":"warning: about to fail\\n","timestamp":1733550000002}

            {"type":"status","text":"error","timestamp":1733550000003}

            {"type":"error","error":{"ename":"NameError","evalue":"name 'y' is not defined","traceback":["\\u001b[0;31m---------------------------------------------------------------------------\\u001b[0m","\\u001b[0;31mNameError\\u001b[0m                                 Traceback (most recent call last)","Cell \\u001b[0;32mIn[3], line 1\\u001b[0m\\n\\u001b[0;32m----> 1\\u001b[0m \\u001b[43my\\u001b[49m\\n","\\u001b[0;31mNameError\\u001b[0m: name 'y' is not defined"]},"timestamp":1733550000004}

            {"type":"execution_complete","execution_time":3,"timestamp":1733550000005}

            """;

    /** Decodes one JSON event the way a run does (the stream runtime's decoder) and applies it. */
    private static boolean apply(CodeEventMapper mapper, String json) {
        boolean[] ended = {mapper.finished()};
        EventDecoder decoder = new EventDecoder(1024 * 1024, false);
        byte[] line = (json.strip() + "\n").getBytes(StandardCharsets.UTF_8);
        decoder.feed(line, 0, line.length, event -> ended[0] = mapper.apply(event));
        return ended[0];
    }

    /** Records every handler call as a line. */
    private static final class Recorder implements CodeExecutionHandlers {
        final List<String> calls = new ArrayList<>();

        @Override
        public void onStdout(CodeOutput output) {
            calls.add("stdout:" + output.text());
        }

        @Override
        public void onStderr(CodeOutput output) {
            calls.add("stderr:" + output.text());
        }

        @Override
        public void onResult(CodeResult result) {
            calls.add("result:" + result.text().orElse("?"));
        }

        @Override
        public void onStatus(String status) {
            calls.add("status:" + status);
        }

        @Override
        public void onError(CodeError error) {
            calls.add("error:" + error.name());
        }

        @Override
        public void onExecutionComplete(CodeExecutionComplete complete) {
            calls.add("complete:" + complete.executionTime().toMillis());
        }
    }

    private static List<Boolean> applyAll(CodeEventMapper mapper, String stream) {
        List<Boolean> ends = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            if (!block.isBlank()) {
                ends.add(apply(mapper, block));
            }
        }
        return ends;
    }

    @Test
    void resultStream_givesCountResultOutputAndCompletion_andEndsAtTheCompletion() {
        Recorder handlers = new Recorder();
        CodeEventMapper mapper = new CodeEventMapper(handlers, false);
        assertThat(mapper.contextId()).isNull();

        List<Boolean> ends = applyAll(mapper, RESULT_STREAM);

        assertThat(mapper.contextId()).isEqualTo("b7f4c0a2-1d2e-4f5a-9b8c-7d6e5f4a3b2c");
        assertThat(ends).containsExactly(false, false, false, false, false, true);
        CodeExecution execution = mapper.execution();
        assertThat(execution.contextId()).contains("b7f4c0a2-1d2e-4f5a-9b8c-7d6e5f4a3b2c");
        assertThat(execution.executionCount()).hasValue(2);
        assertThat(execution.text()).contains("42");
        assertThat(execution.results()).hasSize(1);
        assertThat(execution.results().get(0).timestamp()).isEqualTo(Instant.ofEpochMilli(1733550000005L));
        assertThat(execution.stdoutText()).isEqualTo("computing\n");
        assertThat(execution.stdout().get(0).timestamp()).isEqualTo(Instant.ofEpochMilli(1733550000003L));
        assertThat(execution.error()).isEmpty();
        assertThat(execution.complete().orElseThrow().executionTime()).isEqualTo(Duration.ofMillis(7));
        assertThat(handlers.calls).containsExactly("stdout:computing\n", "result:42", "complete:7");
    }

    @Test
    void errorStream_isDataOnTheExecution_andEndsAtTheCompletionThatFollows() {
        Recorder handlers = new Recorder();
        CodeEventMapper mapper = new CodeEventMapper(handlers, false);

        List<Boolean> ends = applyAll(mapper, ERROR_STREAM);

        // execd releases the context only when it sends the completion after the error: the run ends there
        assertThat(ends).containsExactly(false, false, false, false, true);
        assertThat(mapper.hasKernelError()).isTrue();
        assertThat(mapper.serverError()).isNull();
        CodeExecution execution = mapper.execution();
        CodeError error = execution.error().orElseThrow();
        assertThat(error.name()).isEqualTo("NameError");
        assertThat(error.value()).isEqualTo("name 'y' is not defined");
        assertThat(error.traceback()).hasSize(4);
        assertThat(error.traceback().get(3)).isEqualTo("\u001b[0;31mNameError\u001b[0m: name 'y' is not defined");
        assertThat(error.timestamp()).isEqualTo(Instant.ofEpochMilli(1733550000004L));
        assertThat(execution.complete()).isPresent();
        assertThat(execution.executionCount()).isEmpty();
        assertThat(execution.stderrText()).isEqualTo("warning: about to fail\n");
        assertThat(handlers.calls)
                .containsExactly("stderr:warning: about to fail\n", "status:error", "error:NameError", "complete:3");
    }

    @Test
    void richResult_keepsEveryMimeType_andJsonValuesAsJsonText() {
        CodeEventMapper mapper = new CodeEventMapper(CodeExecutionHandlers.NONE, false);
        // IPython writes base64 with a trailing newline; application/json is an object, not a string
        apply(
                mapper,
                "{\"type\":\"result\",\"results\":{\"text\":\"<Figure size 640x480 with 1 Axes>\","
                        + "\"text/html\":\"<b>plot</b>\",\"text/markdown\":\"**plot**\",\"image/svg+xml\":\"<svg/>\","
                        + "\"image/png\":\"iVBORw0KGgo=\\n\",\"application/json\":{\"a\":[1,2]},\"application/x-custom\":7,"
                        + "\"text/latex\":null},\"timestamp\":1733550000009}");

        CodeResult result = mapper.execution().results().get(0);

        assertThat(result.mimeTypes())
                .containsExactly(
                        "text",
                        "text/html",
                        "text/markdown",
                        "image/svg+xml",
                        "image/png",
                        "application/json",
                        "application/x-custom");
        assertThat(result.text()).contains("<Figure size 640x480 with 1 Axes>");
        assertThat(result.html()).contains("<b>plot</b>");
        assertThat(result.markdown()).contains("**plot**");
        assertThat(result.svg()).contains("<svg/>");
        assertThat(result.png())
                .hasValueSatisfying(
                        png -> assertThat(png).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'));
        assertThat(result.json()).contains("{\"a\":[1,2]}");
        assertThat(result.get("application/x-custom")).contains("7");
        assertThat(result.latex()).isEmpty();
        assertThat(result.jpeg()).isEmpty();
    }

    @Test
    void appendedJsonError_endsTheRunAsExecdsFailure_notAsAKernelError() {
        Recorder handlers = new Recorder();
        CodeEventMapper mapper = new CodeEventMapper(handlers, false);
        apply(mapper, "{\"type\":\"init\",\"text\":\"ctx-1\",\"timestamp\":1}");

        // execd writes its JSON error body into the 200 stream when a run fails after init (a busy context)
        boolean ended =
                apply(mapper, "{\"code\":\"RUNTIME_ERROR\",\"message\":\"error running codes session is busy\"}");

        assertThat(ended).isTrue();
        assertThat(mapper.serverError())
                .isEqualTo(new SandboxError("RUNTIME_ERROR", "error running codes session is busy"));
        assertThat(mapper.execution().error()).isEmpty();
        assertThat(handlers.calls).isEmpty();
    }

    @Test
    void appendedJsonErrorAfterAKernelError_endsTheRun_andKeepsTheKernelError() {
        CodeEventMapper mapper = new CodeEventMapper(CodeExecutionHandlers.NONE, false);
        apply(
                mapper,
                "{\"type\":\"error\",\"error\":{\"ename\":\"ContextCancelled\",\"evalue\":\"Interrupt kernel\"}}");

        assertThat(apply(mapper, "{\"code\":\"RUNTIME_ERROR\",\"message\":\"context cancelled, interrupt kernel\"}"))
                .isTrue();

        assertThat(mapper.serverError()).isNull();
        assertThat(mapper.execution().error().orElseThrow().name()).isEqualTo("ContextCancelled");
    }

    @Test
    void interruptedRun_endsWithTheKernelsKeyboardInterrupt() {
        CodeEventMapper mapper = new CodeEventMapper(CodeExecutionHandlers.NONE, false);
        applyAll(mapper, """
                {"type":"init","text":"ctx-1","timestamp":1}

                {"type":"status","text":"error","timestamp":2}

                {"type":"error","error":{"ename":"KeyboardInterrupt","evalue":"","traceback":["KeyboardInterrupt"]},"timestamp":3}

                {"type":"execution_complete","execution_time":1500,"timestamp":4}
                """);

        CodeError error = mapper.execution().error().orElseThrow();
        assertThat(error.name()).isEqualTo("KeyboardInterrupt");
        assertThat(error.value()).isEmpty();
    }

    @Test
    void bashExitStatus_isAnErrorWithEmptyNameAndTheStatusAsValue() {
        CodeEventMapper mapper = new CodeEventMapper(CodeExecutionHandlers.NONE, false);
        apply(
                mapper,
                "{\"type\":\"error\",\"error\":{\"ename\":\"\",\"evalue\":\"3\",\"traceback\":[]},\"timestamp\":3}");

        CodeError error = mapper.execution().error().orElseThrow();
        assertThat(error.name()).isEmpty();
        assertThat(error.value()).isEqualTo("3");
    }

    @Test
    void unknownTypesFieldsAndJunk_areIgnored_andMissingValuesDefault() {
        Recorder handlers = new Recorder();
        CodeEventMapper mapper = new CodeEventMapper(handlers, false);
        Instant before = Instant.now();

        assertThat(apply(mapper, "{\"type\":\"display_data\",\"data\":{}}")).isFalse();
        assertThat(apply(mapper, "not json")).isFalse();
        assertThat(apply(mapper, "[1,2]")).isFalse();
        assertThat(apply(mapper, "{\"no\":\"type\"}")).isFalse();
        assertThat(apply(mapper, "{\"type\":\"stdout\",\"future_field\":{\"x\":1}}"))
                .isFalse();
        assertThat(apply(mapper, "{\"type\":\"execution_count\",\"execution_count\":\"many\"}"))
                .isFalse();
        assertThat(apply(mapper, "{\"type\":\"error\",\"error\":{\"ename\":\"Boom\"}}"))
                .isFalse();

        CodeExecution execution = mapper.execution();
        assertThat(execution.stdout()).singleElement().satisfies(output -> {
            assertThat(output.text()).isEmpty();
            assertThat(output.timestamp()).isAfterOrEqualTo(before);
        });
        assertThat(execution.executionCount()).isEmpty();
        assertThat(execution.contextId()).isEmpty();
        assertThat(execution.error().orElseThrow().value()).isEmpty();
        assertThat(execution.error().orElseThrow().traceback()).isEmpty();
        assertThat(handlers.calls).containsExactly("stdout:", "error:Boom");
    }

    @Test
    void skipAccumulation_passesOutputToHandlersOnly_butKeepsResults() {
        Recorder handlers = new Recorder();
        CodeEventMapper mapper = new CodeEventMapper(handlers, true);

        applyAll(mapper, RESULT_STREAM);

        assertThat(mapper.execution().stdout()).isEmpty();
        assertThat(mapper.execution().results()).hasSize(1);
        assertThat(handlers.calls).contains("stdout:computing\n");
    }

    @Test
    void eventsAfterTheEnd_areIgnored() {
        Recorder handlers = new Recorder();
        CodeEventMapper mapper = new CodeEventMapper(handlers, false);
        applyAll(mapper, RESULT_STREAM);

        assertThat(apply(mapper, "{\"type\":\"stdout\",\"text\":\"late\",\"timestamp\":9}"))
                .isTrue();

        assertThat(mapper.finished()).isTrue();
        assertThat(mapper.execution().stdoutText()).isEqualTo("computing\n");
        assertThat(handlers.calls).doesNotContain("stdout:late");
    }
}
