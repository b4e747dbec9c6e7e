package io.opensandbox.commands;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallOutcome;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.testing.CallRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The call listener on execd command calls: names, streams ended with their stream, retries, threads, secrets. */
@Timeout(30)
class CommandsCallListenerWireTest {
    private static final String P = TestSandbox.PREFIX;
    private static final String ROUTE_TOKEN = "execd-route-token-3b9f";
    private static final String STREAM = Events.init("c-1") + Events.stdout("hi") + Events.complete(3);
    private static final String METRICS =
            "{\"cpu_count\":2,\"cpu_used_pct\":1.5,\"mem_total_mib\":100,\"mem_used_mib\":50,\"timestamp\":1}";
    private static WireMockServer server;

    @BeforeAll
    static void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    private static DirectHandle handle(CallListener listener, RetryPolicy retries) {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:9")
                .apiKey(TestSandbox.API_KEY)
                .retryPolicy(retries)
                .callListener(listener)
                .build();
        return DirectHandle.of(
                "sbx-cmd",
                config,
                Map.of(
                        SandboxHandle.EXECD_PORT,
                        Endpoint.of("127.0.0.1:" + server.port() + P, Map.of("X-Route", ROUTE_TOKEN))));
    }

    private static void stubStream(String path) {
        server.stubFor(post(urlEqualTo(P + path))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(STREAM)));
    }

    @Test
    void everyCommandsOperation_isOneNamedCall_streamsCountedToTheirEnd() throws Exception {
        stubStream("/command");
        stubStream("/session/s-1/run");
        server.stubFor(post(urlEqualTo(P + "/session")).willReturn(okJson("{\"session_id\":\"s-1\"}")));
        server.stubFor(
                delete(urlEqualTo(P + "/session/s-1")).willReturn(aResponse().withStatus(200)));
        server.stubFor(
                delete(urlEqualTo(P + "/command?id=c-1")).willReturn(aResponse().withStatus(200)));
        server.stubFor(get(urlEqualTo(P + "/command/status/c-1"))
                .willReturn(okJson("{\"id\":\"c-1\",\"running\":false,\"exit_code\":0}")));
        server.stubFor(get(urlPathEqualTo(P + "/command/c-1/logs"))
                .willReturn(aResponse()
                        .withHeader("EXECD-COMMANDS-TAIL-CURSOR", "2")
                        .withBody("hi")));
        server.stubFor(get(urlEqualTo(P + "/metrics")).willReturn(okJson(METRICS)));
        server.stubFor(get(urlEqualTo(P + "/metrics/watch"))
                .willReturn(aResponse().withBody((METRICS + "\n").repeat(50)).withChunkedDribbleDelay(50, 10_000)));
        CallRecorder recorder = new CallRecorder();
        String testThread = Thread.currentThread().getName();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            Commands commands = Commands.of(handle);
            assertThat(commands.run("echo hi").stdoutText()).isEqualTo("hi");
            assertThat(commands.runAsync("echo hi", RunOptions.defaults(), ExecutionHandlers.NONE)
                            .get(10, TimeUnit.SECONDS)
                            .stdoutText())
                    .isEqualTo("hi");
            String session = commands.createSession();
            commands.runInSession(session, "echo hi");
            commands.runInSessionAsync(session, "echo hi", RunOptions.defaults(), ExecutionHandlers.NONE)
                    .get(10, TimeUnit.SECONDS);
            commands.deleteSession(session);
            commands.interrupt("c-1");
            commands.getCommandStatus("c-1");
            commands.getBackgroundCommandLogs("c-1");
            commands.getMetrics();
            CountDownLatch sampled = new CountDownLatch(1);
            try (MetricsWatch watch = commands.watchMetrics(metrics -> sampled.countDown())) {
                assertThat(sampled.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(watch).isNotNull();
            }
            commands.followBackgroundCommand("c-1", output -> {});
        }
        // follow is one operation around its own status and logs polls
        recorder.awaitEnds(14);
        assertThat(recorder.operations())
                .containsExactly(
                        "commands.run",
                        "commands.run",
                        "commands.createSession",
                        "commands.runInSession",
                        "commands.runInSession",
                        "commands.deleteSession",
                        "commands.interrupt",
                        "commands.getStatus",
                        "commands.getLogs",
                        "commands.getMetrics",
                        "commands.watchMetrics",
                        "commands.follow",
                        "commands.getStatus",
                        "commands.getLogs");
        assertThat(recorder.ends).allSatisfy(end -> {
            assertThat(end.outcome()).as(end.toString()).isEqualTo(CallOutcome.SUCCESS);
            assertThat(end.sandboxId()).contains("sbx-cmd");
        });
        List<CallEnd> runs = recorder.ends.stream()
                .filter(end -> end.operation().startsWith("commands.run"))
                .toList();
        assertThat(runs).hasSize(4).allSatisfy(end -> {
            assertThat(end.attempts()).isEqualTo(1);
            assertThat(end.status()).hasValue(200);
            assertThat(end.bytesSent()).isPositive();
            assertThat(end.bytesReceived()).isEqualTo(STREAM.length()); // the whole stream, counted to its end
        });
        CallEnd watch = recorder.end("commands.watchMetrics");
        assertThat(watch.bytesReceived()).isGreaterThanOrEqualTo(METRICS.length());
        assertThat(recorder.end("commands.getMetrics").bytesReceived()).isEqualTo(METRICS.length());
        assertThat(recorder.onlyOn(testThread)).as(recorder.threads.toString()).isTrue();
        assertThat(recorder.told()).doesNotContain(ROUTE_TOKEN).doesNotContain(TestSandbox.API_KEY);
    }

    @Test
    void anAsyncRun_endsOnAHandlerThread_neverAnIoThreadOrTheCommonPool() throws Exception {
        server.stubFor(post(urlEqualTo(P + "/command"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(STREAM)
                        .withFixedDelay(200)));
        CallRecorder recorder = new CallRecorder();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            // the caller does not wait on the future (a waiting get() may run its callbacks itself): the end can
            // only be told from the thread that completes the run
            CompletableFuture<Execution> run =
                    Commands.of(handle).runAsync("echo hi", RunOptions.defaults(), ExecutionHandlers.NONE);
            recorder.awaitEnds(1);
            assertThat(run.get(10, TimeUnit.SECONDS).stdoutText()).isEqualTo("hi");
        }
        assertThat(recorder.threads).hasSize(3);
        assertThat(recorder.threads.get(2)).startsWith("opensandbox-handler-");
    }

    @Test
    void aFailedRun_endsAsFailure_withItsStatusAndExceptionType() throws InterruptedException {
        server.stubFor(get(urlEqualTo(P + "/command/status/gone"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"NOT_FOUND\",\"message\":\"no command gone\"}")));
        CallRecorder recorder = new CallRecorder();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            assertThatThrownBy(() -> Commands.of(handle).getCommandStatus("gone"))
                    .isInstanceOf(NotFoundException.class);
        }
        recorder.awaitEnds(1);
        CallEnd end = recorder.end("commands.getStatus");
        assertThat(end.outcome()).isEqualTo(CallOutcome.FAILURE);
        assertThat(end.status()).hasValue(404);
        assertThat(end.failure()).get().isInstanceOf(NotFoundException.class);
        assertThat(recorder.told()).doesNotContain(ROUTE_TOKEN).doesNotContain(TestSandbox.API_KEY);
    }

    @Test
    void aRetried503_isOneCallOfTwoAttempts() throws Exception {
        // POST /command is never repeated (it would run the command twice): a status read is
        server.stubFor(get(urlEqualTo(P + "/command/status/c-1"))
                .inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0"))
                .willSetStateTo("up"));
        server.stubFor(get(urlEqualTo(P + "/command/status/c-1"))
                .inScenario("busy")
                .whenScenarioStateIs("up")
                .willReturn(okJson("{\"id\":\"c-1\",\"running\":true}")));
        CallRecorder recorder = new CallRecorder();
        String testThread = Thread.currentThread().getName();
        RetryPolicy retries = RetryPolicy.builder()
                .maxRetries(2)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(20))
                .build();
        try (DirectHandle handle = handle(recorder, retries)) {
            assertThat(Commands.of(handle).getCommandStatus("c-1").running()).isTrue();
        }
        recorder.awaitEnds(1);
        assertThat(recorder.events)
                .containsExactly(
                        "start commands.getStatus sbx-cmd", "attempt 1", "attempt 2", "end commands.getStatus SUCCESS");
        CallEnd end = recorder.end("commands.getStatus");
        assertThat(end.attempts()).isEqualTo(2);
        assertThat(end.retries()).isEqualTo(1);
        assertThat(end.status()).hasValue(200);
        assertThat(recorder.onlyOn(testThread)).as(recorder.threads.toString()).isTrue();
    }

    @Test
    void aListenerThatThrowsEverywhere_breaksNoCall() throws Exception {
        stubStream("/command");
        for (CallListener listener : CallRecorder.hostile()) {
            try (DirectHandle handle = handle(listener, RetryPolicy.disabled())) {
                Commands commands = Commands.of(handle);
                assertThat(commands.run("echo hi").stdoutText()).isEqualTo("hi");
                assertThat(commands.runAsync("echo hi", RunOptions.defaults(), ExecutionHandlers.NONE)
                                .get(10, TimeUnit.SECONDS)
                                .exitCode())
                        .hasValue(0);
            }
        }
    }
}
