package io.opensandbox.codeinterpreter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.CallOutcome;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The exact {@code POST /code} requests and how every event and failure of execd's stream comes out of a run. */
class CodeRunWireTest {
    @RegisterExtension
    static final ExecdServer EXECD = new ExecdServer();

    private static final String CODE = ExecdServer.PREFIX + "/code";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};

    private final CodeInterpreter interpreter = CodeInterpreter.of(EXECD.handle());
    private final CodeContext context = CodeContext.of("ctx-1", "python");

    /** execd's framing: each event is its JSON object and a blank line. */
    private static String stream(String... events) {
        StringBuilder out = new StringBuilder();
        for (String event : events) {
            out.append(event).append("\n\n");
        }
        return out.toString();
    }

    private static ResponseDefinitionBuilder events(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withHeader("X-Request-ID", "req-7")
                .withBody(body);
    }

    private static final String INIT = "{\"type\":\"init\",\"text\":\"ctx-1\",\"timestamp\":1733550000001}";
    private static final String COMPLETE = "{\"type\":\"execution_complete\",\"execution_time\":12,\"timestamp\":9}";

    /** Records each handler call with the thread it ran on. */
    private static final class Recorder implements CodeExecutionHandlers {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        private void add(String call) {
            calls.add(call);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void onStdout(CodeOutput output) {
            add("stdout:" + output.text());
        }

        @Override
        public void onStderr(CodeOutput output) {
            add("stderr:" + output.text());
        }

        @Override
        public void onResult(CodeResult result) {
            add("result:" + result.mimeTypes());
        }

        @Override
        public void onStatus(String status) {
            add("status:" + status);
        }

        @Override
        public void onError(CodeError error) {
            add("error:" + error.name());
        }

        @Override
        public void onExecutionComplete(CodeExecutionComplete complete) {
            add("complete:" + complete.executionTime().toMillis());
        }
    }

    @Test
    void runInAContext_postsCodeWithTheContextIdAndLanguage_andMapsEveryEventType() {
        String png = Base64.getMimeEncoder().encodeToString(PNG);
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(stream(
                                INIT,
                                "{\"type\":\"status\",\"text\":\"busy\",\"timestamp\":2}",
                                "{\"type\":\"stdout\",\"text\":\"computing\\n\",\"timestamp\":3}",
                                "{\"type\":\"stderr\",\"text\":\"careful\\n\",\"timestamp\":4}",
                                "{\"type\":\"ping\",\"text\":\"pong\",\"timestamp\":5}",
                                "{\"type\":\"display_data\",\"future\":{\"a\":1},\"timestamp\":5}",
                                "{\"type\":\"execution_count\",\"execution_count\":3,\"timestamp\":6}",
                                "{\"type\":\"result\",\"results\":{\"text\":\"42\",\"text/html\":\"<b>42</b>\","
                                        + "\"text/markdown\":\"**42**\",\"application/json\":{\"v\":42},"
                                        + "\"image/png\":\"" + png.replace("\r\n", "\\n") + "\"},\"timestamp\":7}",
                                COMPLETE))));
        Recorder handlers = new Recorder();

        CodeExecution execution = interpreter.run(context, "x + 1", RunCodeOptions.defaults(), handlers);

        EXECD.server()
                .verify(postRequestedFor(urlEqualTo(CODE))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withHeader("Accept", equalTo("text/event-stream"))
                        .withHeader(ExecdServer.ENDPOINT_HEADER, equalTo(ExecdServer.ENDPOINT_TOKEN))
                        .withHeader("OPEN-SANDBOX-API-KEY", absent())
                        .withRequestBody(equalToJson(
                                "{\"code\":\"x + 1\",\"context\":{\"id\":\"ctx-1\",\"language\":\"python\"}}",
                                false,
                                false)));
        assertThat(execution.contextId()).contains("ctx-1");
        assertThat(execution.executionCount()).hasValue(3);
        assertThat(execution.stdoutText()).isEqualTo("computing\n");
        assertThat(execution.stderrText()).isEqualTo("careful\n");
        assertThat(execution.error()).isEmpty();
        assertThat(execution.complete().orElseThrow().executionTime()).isEqualTo(Duration.ofMillis(12));
        CodeResult result = execution.results().get(0);
        assertThat(result.text()).contains("42");
        assertThat(result.html()).contains("<b>42</b>");
        assertThat(result.markdown()).contains("**42**");
        assertThat(result.json()).contains("{\"v\":42}");
        assertThat(result.png()).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(PNG));
        assertThat(handlers.calls)
                .containsExactly(
                        "status:busy",
                        "stdout:computing\n",
                        "stderr:careful\n",
                        "result:[text, text/html, text/markdown, application/json, image/png]",
                        "complete:12");
        // a blocking run calls its handlers on the caller's thread, never on an I/O thread
        assertThat(handlers.threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void runWithoutContext_sendsOnlyTheLanguageOfTheDefaultContext() {
        EXECD.server().stubFor(post(urlEqualTo(CODE)).willReturn(events(stream(INIT, COMPLETE))));

        interpreter.run("1+1");
        interpreter.run(
                "echo hi",
                RunCodeOptions.builder().language(SupportedLanguage.BASH).build());

        EXECD.server()
                .verify(postRequestedFor(urlEqualTo(CODE))
                        .withRequestBody(
                                equalToJson("{\"code\":\"1+1\",\"context\":{\"language\":\"python\"}}", false, false)));
        EXECD.server()
                .verify(postRequestedFor(urlEqualTo(CODE))
                        .withRequestBody(equalToJson(
                                "{\"code\":\"echo hi\",\"context\":{\"language\":\"bash\"}}", false, false)));
    }

    @Test
    void kernelError_isDataOnTheExecution_andTheRunEndsAtTheCompletionThatFollows() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(stream(
                                INIT,
                                "{\"type\":\"status\",\"text\":\"error\",\"timestamp\":2}",
                                "{\"type\":\"error\",\"error\":{\"ename\":\"NameError\",\"evalue\":\"name 'y' is not"
                                        + " defined\",\"traceback\":[\"Traceback\",\"NameError: name 'y' is not"
                                        + " defined\"]},\"timestamp\":3}",
                                COMPLETE,
                                "{\"type\":\"stdout\",\"text\":\"after the end\",\"timestamp\":10}"))));
        Recorder handlers = new Recorder();

        CodeExecution execution = interpreter.run(context, "y", RunCodeOptions.defaults(), handlers);

        CodeError error = execution.error().orElseThrow();
        assertThat(error.name()).isEqualTo("NameError");
        assertThat(error.value()).isEqualTo("name 'y' is not defined");
        assertThat(error.traceback()).containsExactly("Traceback", "NameError: name 'y' is not defined");
        assertThat(execution.complete()).isPresent();
        assertThat(handlers.calls).containsExactly("status:error", "error:NameError", "complete:12");
    }

    @Test
    void streamEndingAfterAKernelErrorWithoutCompletion_stillGivesTheExecution() {
        // execd's own deadline: ContextCancelled, then its JSON error appended, then the connection closes
        EXECD.server()
                .stubFor(
                        post(urlEqualTo(CODE))
                                .willReturn(
                                        events(
                                                stream(
                                                                INIT,
                                                                "{\"type\":\"error\",\"error\":{\"ename\":\"ContextCancelled\","
                                                                        + "\"evalue\":\"Interrupt kernel\"},\"timestamp\":3}")
                                                        + "{\"code\":\"RUNTIME_ERROR\",\"message\":\"error running codes context cancelled\"}")));

        CodeExecution execution = interpreter.run(context, "while True: pass");

        assertThat(execution.error().orElseThrow().name()).isEqualTo("ContextCancelled");
        assertThat(execution.complete()).isEmpty();
    }

    @Test
    void unknownContext_isExecds500RuntimeError() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(aResponse()
                                .withStatus(500)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"code\":\"RUNTIME_ERROR\",\"message\":\"error running codes context not"
                                        + " found\"}")));

        assertThatThrownBy(() -> interpreter.run(CodeContext.of("gone", "python"), "1"))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                    assertThat(e.error().message()).contains("context not found");
                });
    }

    @Test
    void jsonErrorAppendedInsideThe200Stream_isASandboxException_notAKernelError() {
        // a busy context: execd has written init, then Execute fails and its JSON error body lands in the stream
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(stream(INIT)
                                + "{\"code\":\"RUNTIME_ERROR\",\"message\":\"error running codes session is busy\"}")));
        Recorder handlers = new Recorder();

        assertThatThrownBy(() -> interpreter.run(context, "1", RunCodeOptions.defaults(), handlers))
                .isInstanceOfSatisfying(SandboxException.class, e -> {
                    assertThat(e).isNotInstanceOf(SandboxApiException.class);
                    assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                    assertThat(e.error().message()).contains("session is busy").contains("ctx-1");
                    assertThat(e.requestId()).contains("req-7");
                });
        assertThat(handlers.calls).isEmpty();
        // execd's failure is not the caller giving up: the other run in that context is left alone
        EXECD.server().verify(0, deleteRequestedFor(urlEqualTo(CODE + "?id=ctx-1")));
    }

    @Test
    void streamEndingBeforeTheOutcome_isStreamBroken_andAnEmptyStreamToo() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(stream(INIT, "{\"type\":\"stdout\",\"text\":\"half\",\"timestamp\":3}"))));
        assertThatThrownBy(() -> interpreter.run(context, "1"))
                .isInstanceOfSatisfying(
                        StreamBrokenException.class,
                        e -> assertThat(e.getMessage()).contains("2 events"));

        EXECD.server().stubFor(post(urlEqualTo(CODE)).willReturn(events("")));
        assertThatThrownBy(() -> interpreter.run(context, "1"))
                .isInstanceOfSatisfying(
                        StreamBrokenException.class,
                        e -> assertThat(e.getMessage()).contains("without any event"));
    }

    @Test
    void silentStream_failsWithTheIdleTimeout_andInterruptsTheContext() throws Exception {
        String body = stream(INIT, COMPLETE);
        EXECD.server().stubFor(post(urlEqualTo(CODE)).willReturn(events(body).withChunkedDribbleDelay(2, 4000)));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=ctx-1"))
                        .willReturn(aResponse().withStatus(200)));

        assertThatThrownBy(() -> interpreter.run(
                        context,
                        "import time; time.sleep(60)",
                        RunCodeOptions.builder()
                                .idleTimeout(Duration.ofMillis(300))
                                .build()))
                .isInstanceOfSatisfying(
                        SandboxTimeoutException.class,
                        e -> assertThat(e.getMessage()).contains("idle timeout"));
        awaitInterrupt();
    }

    @Test
    void runLongerThanItsTimeout_failsWithATimeout_andInterruptsTheContext() throws Exception {
        StringBuilder pings = new StringBuilder(stream(INIT));
        for (int i = 0; i < 40; i++) {
            pings.append(stream("{\"type\":\"ping\",\"text\":\"pong\",\"timestamp\":" + i + "}"));
        }
        pings.append(stream(COMPLETE));
        // a ping every 100 ms or so, for about 4 s: never idle, but longer than the run's timeout
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(pings.toString()).withChunkedDribbleDelay(42, 4000)));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=ctx-1"))
                        .willReturn(aResponse().withStatus(200)));

        assertThatThrownBy(() -> interpreter.run(
                        context,
                        "while True: pass",
                        RunCodeOptions.builder().timeout(Duration.ofMillis(500)).build()))
                .isInstanceOfSatisfying(
                        SandboxTimeoutException.class,
                        e -> assertThat(e.getMessage()).contains("timeout of 500 ms"));
        awaitInterrupt();
    }

    @Test
    void cancellingAnAsyncRun_interruptsTheContext() throws Exception {
        StringBuilder body =
                new StringBuilder(stream(INIT, "{\"type\":\"stdout\",\"text\":\"started\",\"timestamp\":3}"));
        for (int i = 0; i < 40; i++) {
            body.append(stream("{\"type\":\"ping\",\"text\":\"pong\",\"timestamp\":" + i + "}"));
        }
        body.append(stream(COMPLETE));
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(body.toString()).withChunkedDribbleDelay(42, 8000)));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=ctx-1"))
                        .willReturn(aResponse().withStatus(200)));
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<CodeExecution> run = interpreter.runAsync(
                context, "while True: pass", RunCodeOptions.defaults(), new CodeExecutionHandlers() {
                    @Override
                    public void onStdout(CodeOutput output) {
                        started.countDown();
                    }
                });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        run.cancel(true);

        assertThat(run).isCancelled();
        awaitInterrupt();
    }

    @Test
    void asyncRun_callsHandlersOnTheSdksHandlerThreads_andCompletesWithTheExecution() throws Exception {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(stream(
                                INIT,
                                "{\"type\":\"stdout\",\"text\":\"a\",\"timestamp\":3}",
                                "{\"type\":\"result\",\"results\":{\"text\":\"2\"},\"timestamp\":4}",
                                COMPLETE))));
        Recorder handlers = new Recorder();

        CodeExecution execution =
                interpreter.runAsync("1+1", RunCodeOptions.defaults(), handlers).get(30, TimeUnit.SECONDS);

        assertThat(execution.text()).contains("2");
        assertThat(handlers.calls).containsExactly("stdout:a", "result:[text]", "complete:12");
        assertThat(handlers.threads).allSatisfy(name -> assertThat(name).startsWith("opensandbox-handler-"));
    }

    @Test
    void handlerException_isRethrownAsItIs() {
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE))
                        .willReturn(events(
                                stream(INIT, "{\"type\":\"stdout\",\"text\":\"a\",\"timestamp\":3}", COMPLETE))));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=ctx-1"))
                        .willReturn(aResponse().withStatus(200)));
        IllegalStateException boom = new IllegalStateException("handler failed");

        assertThatThrownBy(() ->
                        interpreter.run(context, "print('a')", RunCodeOptions.defaults(), new CodeExecutionHandlers() {
                            @Override
                            public void onStdout(CodeOutput output) {
                                throw boom;
                            }
                        }))
                .isSameAs(boom);
    }

    @Test
    void invalidArguments_failBeforeAnyRequest() {
        assertThatThrownBy(() -> interpreter.run("")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> RunCodeOptions.builder().language(" ")).isInstanceOf(InvalidArgumentException.class);
        EXECD.server().verify(0, postRequestedFor(urlEqualTo(CODE)));
    }

    @Test
    void everyPublicOperation_isReportedToTheCallListener() {
        List<CallEnd> ends = new CopyOnWriteArrayList<>();
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .retryPolicy(RetryPolicy.disabled())
                .callListener(start -> new CallObserver() {
                    @Override
                    public void callEnded(CallEnd end) {
                        ends.add(end);
                    }
                })
                .build();
        EXECD.server().stubFor(post(urlEqualTo(CODE)).willReturn(events(stream(INIT, COMPLETE))));
        EXECD.server()
                .stubFor(post(urlEqualTo(CODE + "/context"))
                        .willReturn(okJson("{\"id\":\"ctx-1\",\"language\":\"python\"}")));
        EXECD.server()
                .stubFor(delete(urlEqualTo(CODE + "?id=ctx-1"))
                        .willReturn(aResponse().withStatus(200)));
        try (DirectHandle handle = DirectHandle.of(
                "sbx-observed",
                config,
                Map.of(
                        SandboxHandle.EXECD_PORT,
                        Endpoint.of("127.0.0.1:" + EXECD.server().port() + ExecdServer.PREFIX, Map.of())))) {
            CodeInterpreter observed = CodeInterpreter.of(handle);
            CodeContext created = observed.createContext(SupportedLanguage.PYTHON);
            observed.run(created, "1");
            observed.interrupt(created.id());
        }

        List<String> operations = new ArrayList<>();
        for (CallEnd end : ends) {
            operations.add(
                    end.operation() + ":" + end.outcome() + ":" + end.status().orElse(0));
            assertThat(end.sandboxId()).contains("sbx-observed");
        }
        assertThat(operations)
                .containsExactly(
                        "code.context.create:" + CallOutcome.SUCCESS + ":200",
                        "code.run:" + CallOutcome.SUCCESS + ":200",
                        "code.interrupt:" + CallOutcome.SUCCESS + ":200");
    }

    private static void waitForPost() throws InterruptedException {
        for (int i = 0;
                i < 100
                        && EXECD.server()
                                .findAll(postRequestedFor(urlEqualTo(CODE)))
                                .isEmpty();
                i++) {
            Thread.sleep(50);
        }
    }

    /** The SDK's interrupt is sent in the background: wait for it, at most 10 s. */
    private static void awaitInterrupt() throws InterruptedException {
        for (int i = 0;
                i < 200
                        && EXECD.server()
                                .findAll(deleteRequestedFor(urlEqualTo(CODE + "?id=ctx-1")))
                                .isEmpty();
                i++) {
            Thread.sleep(50);
        }
        EXECD.server().verify(1, deleteRequestedFor(urlEqualTo(CODE + "?id=ctx-1")));
    }
}
