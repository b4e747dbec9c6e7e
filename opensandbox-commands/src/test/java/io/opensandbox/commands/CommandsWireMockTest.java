package io.opensandbox.commands;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.StreamBrokenException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CommandsWireMockTest {
    private static final String P = TestSandbox.PREFIX;
    private static WireMockServer server;
    private static TestSandbox sandbox;
    private static Commands commands;

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        sandbox = new TestSandbox(server.port());
        commands = Commands.of(sandbox.handle());
    }

    @AfterAll
    static void stopServer() {
        sandbox.close();
        server.stop();
    }

    @BeforeEach
    void setUp() {
        server.resetAll();
    }

    private static void stubStream(MappingBuilder request, String body) {
        server.stubFor(request.willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(body)));
    }

    /** Records every handler call, in order, with the thread it ran on. */
    static final class Recorder implements ExecutionHandlers {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        private void record(String call) {
            calls.add(call);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void onInit(ExecutionInit init) {
            record("init:" + init.id());
        }

        @Override
        public void onStdout(OutputMessage message) {
            record("stdout:" + message.text());
        }

        @Override
        public void onStderr(OutputMessage message) {
            record("stderr:" + message.text());
        }

        @Override
        public void onResult(ExecutionResult result) {
            record("result:" + result.text().orElse(""));
        }

        @Override
        public void onError(ExecutionError error) {
            record("error:" + error.name() + "/" + error.value());
        }

        @Override
        public void onExecutionComplete(ExecutionComplete complete) {
            record("complete:" + complete.executionTime().toMillis());
        }
    }

    @Test
    void run_withAllOptions_sendsTheExactRequestToExecdOnly() {
        stubStream(post(P + "/command"), Events.init("cmd-1") + Events.complete(3));

        commands.run(
                "ls -la",
                RunOptions.builder()
                        .workingDirectory("/workspace")
                        .env("A", "1")
                        .env("B", "two words")
                        .timeout(Duration.ofSeconds(30))
                        .uid(1000)
                        .gid(1001)
                        .build());

        server.verify(
                1,
                postRequestedFor(urlEqualTo(P + "/command"))
                        .withHeader("X-Route", equalTo("route-1"))
                        .withHeader("X-Custom", equalTo("custom-1"))
                        .withHeader("Accept", equalTo("text/event-stream"))
                        .withHeader("Content-Type", containing("application/json"))
                        .withHeader("OPEN-SANDBOX-API-KEY", absent())
                        .withRequestBody(equalToJson("{\"command\":\"ls -la\",\"cwd\":\"/workspace\",\"timeout\":30000,"
                                + "\"uid\":1000,\"gid\":1001,\"envs\":{\"A\":\"1\",\"B\":\"two words\"}}")));
    }

    @Test
    void run_withDefaults_sendsOnlyTheCommand() {
        stubStream(post(P + "/command"), Events.init("cmd-1") + Events.complete(3));

        commands.run("echo hi");

        server.verify(
                postRequestedFor(urlEqualTo(P + "/command")).withRequestBody(equalToJson("{\"command\":\"echo hi\"}")));
    }

    @Test
    void run_whenCommandCompletes_collectsOutputAndExitCodeZero() {
        stubStream(
                post(P + "/command"),
                Events.init("cmd-1")
                        + Events.stdout("one")
                        + Events.ping()
                        + Events.stderr("warn")
                        + Events.stdout("two")
                        + Events.complete(12));
        Recorder recorder = new Recorder();

        Execution execution = commands.run("x", RunOptions.defaults(), recorder);

        assertThat(execution.id()).contains("cmd-1");
        assertThat(execution.stdout()).extracting(OutputMessage::text).containsExactly("one", "two");
        assertThat(execution.stdoutText()).isEqualTo("one\ntwo");
        assertThat(execution.stderr()).extracting(OutputMessage::text).containsExactly("warn");
        assertThat(execution.stderr().get(0).isError()).isTrue();
        assertThat(execution.stdout().get(0).timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000001L));
        assertThat(execution.exitCode()).hasValue(0);
        assertThat(execution.error()).isEmpty();
        assertThat(execution.complete().orElseThrow().executionTime()).isEqualTo(Duration.ofMillis(12));
        assertThat(recorder.calls)
                .containsExactly("init:cmd-1", "stdout:one", "stderr:warn", "stdout:two", "complete:12");
        String caller = Thread.currentThread().getName();
        assertThat(recorder.threads).allMatch(caller::equals);
    }

    @Test
    void run_whenCommandFails_reportsExitCodeAsData() {
        stubStream(post(P + "/command"), Events.init("cmd-2") + Events.stderr("nope") + Events.error("127"));
        Recorder recorder = new Recorder();

        Execution execution = commands.run("nope", RunOptions.defaults(), recorder);

        assertThat(execution.exitCode()).hasValue(127);
        ExecutionError error = execution.error().orElseThrow();
        assertThat(error.name()).isEqualTo("CommandExecError");
        assertThat(error.value()).isEqualTo("127");
        assertThat(error.traceback()).containsExactly("exit status 127");
        assertThat(execution.complete()).isEmpty();
        assertThat(recorder.calls).endsWith("error:CommandExecError/127");
    }

    @Test
    void run_whenErrorIsNotAnExitCode_hasNoExitCode() {
        stubStream(
                post(P + "/command"),
                Events.init("cmd-3")
                        + "{\"type\":\"error\",\"error\":{\"ename\":\"StartError\",\"evalue\":\"exec: not found\"}}\n\n");

        Execution execution = commands.run("x");

        assertThat(execution.exitCode()).isEmpty();
        assertThat(execution.error().orElseThrow().value()).isEqualTo("exec: not found");
    }

    @Test
    void run_whenServerAppendsErrorObjectToTheStream_reportsItAsTheError() {
        stubStream(
                post(P + "/command"),
                Events.init("cmd-4") + Events.stdout("partial")
                        + "{\"code\":\"RUNTIME_ERROR\",\"message\":\"error running commands: boom\"}\n");
        Recorder recorder = new Recorder();

        Execution execution = commands.run("x", RunOptions.defaults(), recorder);

        assertThat(execution.error().orElseThrow().name()).isEqualTo("RUNTIME_ERROR");
        assertThat(execution.error().orElseThrow().value()).isEqualTo("error running commands: boom");
        assertThat(execution.exitCode()).isEmpty();
        assertThat(recorder.calls)
                .containsExactly("init:cmd-4", "stdout:partial", "error:RUNTIME_ERROR/error running commands: boom");
    }

    @Test
    void run_withSseFramingGarbageAndUnknownEvents_toleratesThem() {
        stubStream(
                post(P + "/command"),
                ": keep-alive\n" + "event: message\n" + "id: 1\n" + "retry: 100\n" + "data: " + Events.init("cmd-5")
                        + "garbage line\n\n" + "{\"type\":\"status\",\"text\":\"busy\"}\n\n"
                        + "{\"type\":\"future_type\",\"new\":{\"x\":[1]}}\n\n"
                        + "{\"type\":\"stdout\",\"text\":\"ok\",\"unknown_field\":1}\n\n" + Events.complete(1));

        Execution execution = commands.run("x");

        assertThat(execution.id()).contains("cmd-5");
        assertThat(execution.stdoutText()).isEqualTo("ok");
        assertThat(execution.exitCode()).hasValue(0);
    }

    @Test
    void run_withOutputSplitInsideUtf8Characters_decodesWholeCharacters() {
        String text = "\u00e9\u00e8\u4e16\u754c\uD83D\uDE00\u00fc";
        String body = Events.init("cmd-6") + Events.stdout(text) + Events.stdout(text) + Events.complete(1);
        server.stubFor(post(P + "/command")
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody(body.getBytes(StandardCharsets.UTF_8))
                        .withChunkedDribbleDelay(body.getBytes(StandardCharsets.UTF_8).length / 3, 300)));

        Execution execution = commands.run("x");

        assertThat(execution.stdout()).extracting(OutputMessage::text).containsExactly(text, text);
    }

    @Test
    void run_withRawEventHook_seesEveryEventIncludingPings() {
        stubStream(post(P + "/command"), Events.init("cmd-7") + Events.ping() + Events.complete(1));
        List<String> raw = new ArrayList<>();

        commands.run("x", RunOptions.defaults(), new ExecutionHandlers() {
            @Override
            public void onEvent(ExecutionEvent event) {
                raw.add(event.type() + " " + event.json());
            }
        });

        assertThat(raw)
                .containsExactly(
                        "init " + Events.init("cmd-7").strip(),
                        "ping " + Events.ping().strip(),
                        "execution_complete " + Events.complete(1).strip());
    }

    @Test
    void run_withSkipAccumulation_passesOutputToHandlersOnly() {
        stubStream(
                post(P + "/command"),
                Events.init("cmd-8") + Events.stdout("a") + Events.stdout("b") + Events.complete(1));
        Recorder recorder = new Recorder();

        Execution execution =
                commands.run("x", RunOptions.builder().skipAccumulation(true).build(), recorder);

        assertThat(execution.stdout()).isEmpty();
        assertThat(recorder.calls).contains("stdout:a", "stdout:b");
        assertThat(execution.exitCode()).hasValue(0);
    }

    @Test
    void run_inBackground_returnsAtOnceWithoutExitCode() {
        stubStream(post(P + "/command"), Events.init("cmd-9") + Events.complete(0));

        Execution execution =
                commands.run("sleep 100", RunOptions.builder().background(true).build());

        assertThat(execution.id()).contains("cmd-9");
        assertThat(execution.exitCode()).isEmpty();
        server.verify(postRequestedFor(urlEqualTo(P + "/command"))
                .withRequestBody(equalToJson("{\"command\":\"sleep 100\",\"background\":true}")));
    }

    @Test
    void run_whenBodyIsEmpty_failsLoudly() {
        stubStream(post(P + "/command"), "");

        assertThatThrownBy(() -> commands.run("x"))
                .isInstanceOf(StreamBrokenException.class)
                .hasMessageContaining("without any event");
    }

    @Test
    void run_whenBodyIsEmpty_saysNotRetryableAsTheFlagDoes() {
        stubStream(post(P + "/command"), "");

        assertThatThrownBy(() -> commands.run("x")).isInstanceOfSatisfying(StreamBrokenException.class, e -> {
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage())
                    .contains("Not retryable")
                    .contains("may run it twice")
                    .doesNotContain("Retry,");
        });
    }

    @Test
    void run_withTheLongestTimeout_sendsItInMilliseconds() {
        stubStream(post(P + "/command"), Events.init("cmd-max") + Events.complete(1));

        commands.run("x", RunOptions.builder().timeout(RunOptions.MAX_TIMEOUT).build());

        server.verify(postRequestedFor(urlEqualTo(P + "/command"))
                .withRequestBody(equalToJson("{\"command\":\"x\",\"timeout\":315360000000}")));
    }

    @Test
    void run_withOutOfRangeDurations_isRejectedBeforeAnyRequest() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);

        assertThatThrownBy(() ->
                        commands.run("x", RunOptions.builder().timeout(huge).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("timeout must be from 1 ms to 3650 days");
        assertThatThrownBy(() ->
                        commands.run("x", RunOptions.builder().idleTimeout(huge).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("idleTimeout must be positive and at most one day");
        assertThatThrownBy(() -> commands.runInSession(
                        "s-1",
                        "x",
                        RunOptions.builder()
                                .timeout(RunOptions.MAX_TIMEOUT.plusMillis(1))
                                .build(),
                        ExecutionHandlers.NONE))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void run_whenBodyIsOnlyGarbage_failsLoudly() {
        stubStream(post(P + "/command"), "<html>proxy error</html>\n");

        assertThatThrownBy(() -> commands.run("x"))
                .isInstanceOf(StreamBrokenException.class)
                .hasMessageContaining("without any event");
    }

    @Test
    void run_whenStreamEndsWithoutTerminalEvent_failsAfterDeliveringOutput() {
        stubStream(post(P + "/command"), Events.init("cmd-10") + Events.stdout("real output"));
        Recorder recorder = new Recorder();

        assertThatThrownBy(() -> commands.run("x", RunOptions.defaults(), recorder))
                .isInstanceOf(StreamBrokenException.class)
                .hasMessageContaining("cmd-10")
                .hasMessageContaining("2 events");
        assertThat(recorder.calls).containsExactly("init:cmd-10", "stdout:real output");
    }

    @Test
    void run_whenStreamIsTruncatedMidEvent_failsLoudly() {
        stubStream(post(P + "/command"), Events.init("cmd-11") + "{\"type\":\"execution_comp");

        assertThatThrownBy(() -> commands.run("x")).isInstanceOf(StreamBrokenException.class);
    }

    @Test
    void run_whenResponseBreaksAfterTheStatus_failsWithStreamBroken() {
        server.stubFor(post(P + "/command").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

        assertThatThrownBy(() -> commands.run("x")).isInstanceOf(StreamBrokenException.class);
    }

    @Test
    void run_whenConnectionIsResetBeforeAResponse_failsWithConnectionError() {
        server.stubFor(post(P + "/command").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> commands.run("x")).isInstanceOf(ConnectionException.class);
    }

    @Test
    void run_whenExecdRejectsTheRequest_mapsTheError() {
        server.stubFor(post(P + "/command")
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Request-ID", "req-42")
                        .withBody("{\"code\":\"INVALID_REQUEST_BODY\",\"message\":\"cwd does not exist\"}")));

        assertThatThrownBy(() -> commands.run(
                        "x", RunOptions.builder().workingDirectory("/nope").build()))
                .isInstanceOfSatisfying(SandboxApiException.class, e -> {
                    assertThat(e.error().code()).isEqualTo("INVALID_REQUEST_BODY");
                    assertThat(e.error().message()).endsWith("cwd does not exist");
                    assertThat(e.requestId()).contains("req-42");
                });
    }

    @Test
    void run_withGidButNoUid_isRejectedBeforeAnyRequest() {
        assertThatThrownBy(() -> commands.run("x", RunOptions.builder().gid(5).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("gid requires uid");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void run_whenAHandlerThrows_abortsAndRethrowsIt() {
        stubStream(
                post(P + "/command"),
                Events.init("cmd-12") + Events.stdout("a") + Events.stdout("b") + Events.complete(1));
        List<String> seen = new ArrayList<>();

        assertThatThrownBy(() -> commands.run("x", RunOptions.defaults(), new ExecutionHandlers() {
                    @Override
                    public void onStdout(OutputMessage message) {
                        seen.add(message.text());
                        throw new IllegalStateException("handler bug");
                    }
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("handler bug");
        assertThat(seen).containsExactly("a");
    }

    @Test
    void runAsync_runsHandlersOnTheHandlerExecutorInOrder() throws Exception {
        stubStream(
                post(P + "/command"),
                Events.init("cmd-13")
                        + Events.stdout("1")
                        + Events.stdout("2")
                        + Events.stdout("3")
                        + Events.complete(4));
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "test-handler");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Recorder recorder = new Recorder();
            Execution execution = Commands.of(sandbox.handle(), executor)
                    .runAsync("x", RunOptions.defaults(), recorder)
                    .get(20, TimeUnit.SECONDS);

            assertThat(execution.stdoutText()).isEqualTo("1\n2\n3");
            assertThat(recorder.calls).containsExactly("init:cmd-13", "stdout:1", "stdout:2", "stdout:3", "complete:4");
            assertThat(recorder.threads).allMatch("test-handler"::equals);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void runAsync_withDefaultExecutor_neverRunsHandlersOnIoThreads() throws Exception {
        stubStream(post(P + "/command"), Events.init("cmd-14") + Events.stdout("x") + Events.complete(1));
        Recorder recorder = new Recorder();

        commands.runAsync("x", RunOptions.defaults(), recorder).get(20, TimeUnit.SECONDS);

        assertThat(recorder.threads).isNotEmpty().allMatch(name -> name.startsWith("opensandbox-handler-"));
    }

    @Test
    void runAsync_whenStreamBreaks_failsTheFuture() {
        stubStream(post(P + "/command"), Events.init("cmd-15"));

        assertThatThrownBy(() -> commands.runAsync("x", RunOptions.defaults(), ExecutionHandlers.NONE)
                        .get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StreamBrokenException.class);
    }

    @Test
    void interrupt_sendsDeleteWithTheIdAsQuery() {
        server.stubFor(delete(urlEqualTo(P + "/command?id=cmd%201"))
                .willReturn(aResponse().withStatus(200)));

        commands.interrupt("cmd 1");

        server.verify(deleteRequestedFor(urlEqualTo(P + "/command?id=cmd%201"))
                .withHeader("X-Route", equalTo("route-1"))
                .withHeader("OPEN-SANDBOX-API-KEY", absent()));
    }

    @Test
    void getCommandStatus_readsExecdsSnakeCaseAndGoTimes() {
        server.stubFor(get(P + "/command/status/cmd-1")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"cmd-1\",\"content\":\"sleep 1\",\"running\":false,\"exit_code\":3,"
                                + "\"error\":\"exit status 3\",\"started_at\":\"2025-12-22T17:08:05.123456789+08:00\","
                                + "\"finished_at\":\"2025-12-22T09:08:09Z\",\"new_field\":1}")));

        CommandStatus status = commands.getCommandStatus("cmd-1");

        assertThat(status.id()).isEqualTo("cmd-1");
        assertThat(status.command()).contains("sleep 1");
        assertThat(status.running()).isFalse();
        assertThat(status.exitCode()).hasValue(3);
        assertThat(status.error()).contains("exit status 3");
        assertThat(status.startedAt()).contains(Instant.parse("2025-12-22T09:08:05.123456789Z"));
        assertThat(status.finishedAt()).contains(Instant.parse("2025-12-22T09:08:09Z"));
    }

    @Test
    void getCommandStatus_whileRunning_hasNoExitCodeOrFinish() {
        server.stubFor(get(P + "/command/status/cmd-2")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"cmd-2\",\"running\":true,\"exit_code\":null,"
                                + "\"started_at\":\"0001-01-01T00:00:00Z\",\"finished_at\":null}")));

        CommandStatus status = commands.getCommandStatus("cmd-2");

        assertThat(status.running()).isTrue();
        assertThat(status.exitCode()).isEmpty();
        assertThat(status.startedAt()).isEmpty();
        assertThat(status.finishedAt()).isEmpty();
    }

    @Test
    void getCommandStatus_unknownId_isNotFound() {
        server.stubFor(get(P + "/command/status/nope")
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"NOT_FOUND\",\"message\":\"no such command\"}")));

        assertThatThrownBy(() -> commands.getCommandStatus("nope")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void getBackgroundCommandLogs_withCursor_sendsItAndReadsTheNextOne() {
        server.stubFor(get(urlEqualTo(P + "/command/cmd-1/logs?cursor=5"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/plain; charset=utf-8")
                        .withHeader("EXECD-COMMANDS-TAIL-CURSOR", "9")
                        .withBody("line6\nline7 \u00e9\n")));

        CommandLogs logs = commands.getBackgroundCommandLogs("cmd-1", 5);

        assertThat(logs.content()).isEqualTo("line6\nline7 \u00e9\n");
        assertThat(logs.cursor()).hasValue(9);
        server.verify(getRequestedFor(urlEqualTo(P + "/command/cmd-1/logs?cursor=5"))
                .withHeader("X-Route", equalTo("route-1")));
    }

    @Test
    void getBackgroundCommandLogs_withoutCursor_asksForEverythingAndToleratesAMissingHeader() {
        server.stubFor(get(urlEqualTo(P + "/command/cmd-1/logs"))
                .willReturn(aResponse().withHeader("Content-Type", "text/plain").withBody("all\n")));

        CommandLogs logs = commands.getBackgroundCommandLogs("cmd-1");

        assertThat(logs.content()).isEqualTo("all\n");
        assertThat(logs.cursor()).isEmpty();
    }

    @Test
    void followBackgroundCommand_pollsLogsAndStatusUntilItFinishes() {
        String scenario = "follow";
        server.stubFor(get(P + "/command/status/bg-1")
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"bg-1\",\"running\":true}"))
                .willSetStateTo("done"));
        server.stubFor(get(P + "/command/status/bg-1")
                .inScenario(scenario)
                .whenScenarioStateIs("done")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"bg-1\",\"running\":false,\"exit_code\":0}")));
        server.stubFor(get(urlEqualTo(P + "/command/bg-1/logs"))
                .willReturn(aResponse()
                        .withHeader("EXECD-COMMANDS-TAIL-CURSOR", "2")
                        .withBody("a\nb\n")));
        server.stubFor(get(urlEqualTo(P + "/command/bg-1/logs?cursor=2"))
                .willReturn(aResponse()
                        .withHeader("EXECD-COMMANDS-TAIL-CURSOR", "3")
                        .withBody("c\n")));
        List<String> output = new ArrayList<>();

        CommandStatus status = commands.followBackgroundCommand("bg-1", output::add, Duration.ofMillis(100));

        assertThat(status.running()).isFalse();
        assertThat(status.exitCode()).hasValue(0);
        assertThat(output).containsExactly("a\nb\n", "c\n");
    }

    @Test
    void sessions_createRunAndDelete_useExecdsSessionApi() {
        server.stubFor(post(P + "/session")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"session_id\":\"s-1\"}")));
        stubStream(post(P + "/session/s-1/run"), Events.init("s-1") + Events.stdout("/w") + Events.complete(2));
        server.stubFor(delete(P + "/session/s-1").willReturn(aResponse().withStatus(200)));

        String id = commands.createSession("/work");
        Execution execution = commands.runInSession(
                id,
                "pwd",
                RunOptions.builder()
                        .workingDirectory("/w")
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                ExecutionHandlers.NONE);
        commands.deleteSession(id);

        assertThat(id).isEqualTo("s-1");
        assertThat(execution.stdoutText()).isEqualTo("/w");
        assertThat(execution.exitCode()).hasValue(0);
        server.verify(postRequestedFor(urlEqualTo(P + "/session")).withRequestBody(equalToJson("{\"cwd\":\"/work\"}")));
        server.verify(postRequestedFor(urlEqualTo(P + "/session/s-1/run"))
                .withHeader("Accept", equalTo("text/event-stream"))
                .withRequestBody(equalToJson("{\"command\":\"pwd\",\"cwd\":\"/w\",\"timeout\":5000}")));
        server.verify(deleteRequestedFor(urlEqualTo(P + "/session/s-1")));
    }

    @Test
    void createSession_withoutDirectory_sendsAnEmptyObject() {
        server.stubFor(post(P + "/session")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"session_id\":\"s-2\"}")));

        assertThat(commands.createSession()).isEqualTo("s-2");
        server.verify(postRequestedFor(urlEqualTo(P + "/session")).withRequestBody(equalToJson("{}")));
    }

    @Test
    void runInSession_whenExitFails_reportsExitCode() {
        stubStream(post(P + "/session/s-1/run"), Events.init("s-1") + Events.error("7"));

        assertThat(commands.runInSession("s-1", "exit 7").exitCode()).hasValue(7);
    }

    @Test
    void runInSession_withEnvironment_isRejectedBeforeAnyRequest() {
        assertThatThrownBy(() -> commands.runInSession(
                        "s-1", "env", RunOptions.builder().env("A", "1").build(), ExecutionHandlers.NONE))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void getMetrics_readsTheSample() {
        server.stubFor(get(P + "/metrics")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"cpu_count\":4.0,\"cpu_used_pct\":45.5,\"mem_total_mib\":8192.0,"
                                + "\"mem_used_mib\":4096.0,\"timestamp\":1700000000000}")));

        Metrics metrics = commands.getMetrics();

        assertThat(metrics.cpuCount()).isEqualTo(4.0);
        assertThat(metrics.cpuUsedPercent()).isEqualTo(45.5);
        assertThat(metrics.memoryTotalMiB()).isEqualTo(8192.0);
        assertThat(metrics.memoryUsedMiB()).isEqualTo(4096.0);
        assertThat(metrics.timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
    }

    @Test
    void watchMetrics_deliversSamplesAndErrorLinesThenReportsTheUnexpectedEnd() throws Exception {
        server.stubFor(get(P + "/metrics/watch")
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody("{\"cpu_count\":2,\"cpu_used_pct\":1.5,\"mem_total_mib\":100,\"mem_used_mib\":50,"
                                + "\"timestamp\":1}\n"
                                + "{\"error\":\"sampling failed\"}\n"
                                + "not json\n"
                                + "{\"cpu_count\":2,\"cpu_used_pct\":2.5,\"mem_total_mib\":100,\"mem_used_mib\":60,"
                                + "\"timestamp\":2}\n")));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch failed = new CountDownLatch(1);

        MetricsWatch watch = commands.watchMetrics(new MetricsListener() {
            @Override
            public void onMetrics(Metrics metrics) {
                seen.add("cpu " + metrics.cpuUsedPercent());
            }

            @Override
            public void onSampleError(String message) {
                seen.add("error " + message);
            }

            @Override
            public void onFailure(SandboxException failure) {
                seen.add("failure " + failure.getClass().getSimpleName());
                failed.countDown();
            }
        });

        // the listener hears of the failure before the completion fails
        assertThatThrownBy(() -> watch.completion().get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StreamBrokenException.class);
        assertThat(failed.getCount()).isZero();
        assertThat(seen)
                .containsExactly("cpu 1.5", "error sampling failed", "cpu 2.5", "failure StreamBrokenException");
        watch.close();
    }

    @Test
    void watchMetrics_whenClosed_completesNormallyWithoutFailure() throws Exception {
        String line =
                "{\"cpu_count\":2,\"cpu_used_pct\":1.5,\"mem_total_mib\":100,\"mem_used_mib\":50,\"timestamp\":1}\n";
        server.stubFor(get(P + "/metrics/watch")
                .willReturn(aResponse().withBody(line.repeat(20)).withChunkedDribbleDelay(20, 10_000)));
        CountDownLatch first = new CountDownLatch(1);
        List<SandboxException> failures = Collections.synchronizedList(new ArrayList<>());

        MetricsWatch watch = commands.watchMetrics(new MetricsListener() {
            @Override
            public void onMetrics(Metrics metrics) {
                first.countDown();
            }

            @Override
            public void onFailure(SandboxException failure) {
                failures.add(failure);
            }
        });
        assertThat(first.await(20, TimeUnit.SECONDS)).isTrue();
        watch.close();

        assertThat(watch.completion()).isCompleted().isNotCompletedExceptionally();
        assertThat(failures).isEmpty();
        server.verify(getRequestedFor(urlEqualTo(P + "/metrics/watch")).withHeader("X-Route", equalTo("route-1")));
    }

    @Test
    void runInSessionAsync_streamsThroughTheSessionEndpoint() throws Exception {
        stubStream(post(P + "/session/s-9/run"), Events.init("s-9") + Events.stdout("hi") + Events.complete(1));
        Recorder recorder = new Recorder();

        Execution execution = commands.runInSessionAsync("s-9", "echo hi", RunOptions.defaults(), recorder)
                .get(20, TimeUnit.SECONDS);

        assertThat(execution.id()).contains("s-9");
        assertThat(recorder.calls).containsExactly("init:s-9", "stdout:hi", "complete:1");
        server.verify(postRequestedFor(urlEqualTo(P + "/session/s-9/run"))
                .withRequestBody(equalToJson("{\"command\":\"echo hi\"}")));
    }

    @Test
    void runAsync_whenAHandlerThrows_failsTheFutureWithIt() {
        stubStream(post(P + "/command"), Events.init("cmd-16") + Events.stdout("a") + Events.complete(1));

        assertThatThrownBy(() -> commands.runAsync("x", RunOptions.defaults(), new ExecutionHandlers() {
                            @Override
                            public void onInit(ExecutionInit init) {
                                throw new IllegalArgumentException("bad handler");
                            }
                        })
                        .get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("bad handler");
    }

    @Test
    void run_withRichResults_collectsResultsAndExecutionCount() {
        stubStream(
                post(P + "/command"),
                Events.init("ctx-1")
                        + "{\"type\":\"execution_count\",\"execution_count\":3,\"timestamp\":1}\n\n"
                        + "{\"type\":\"result\",\"results\":{\"text\":\"4\",\"text/html\":\"<b>4</b>\"},"
                        + "\"timestamp\":2}\n\n"
                        + Events.complete(7));
        Recorder recorder = new Recorder();

        Execution execution = commands.run("x", RunOptions.defaults(), recorder);

        assertThat(execution.executionCount()).hasValue(3);
        assertThat(execution.results()).singleElement().satisfies(result -> {
            assertThat(result.text()).contains("4");
            assertThat(result.data()).containsEntry("text/html", "<b>4</b>");
        });
        assertThat(recorder.calls).contains("result:4");
    }
}
