package io.opensandbox.resilience;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.opensandbox.api.CapacityExceededException;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.commands.ExecutionHandlers;
import io.opensandbox.commands.RunOptions;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxInfo;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.resilience.support.FaultTable;
import io.opensandbox.resilience.support.RawServer;
import io.opensandbox.resilience.support.SdkResources;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every fault of issue 8, injected with WireMock or with {@link RawServer}, and what the SDK must do: the
 * documented outcome and attempts, in bounded time, with no transport thread and no connection left after
 * close. Prints a table at the end.
 */
@Timeout(30)
class FaultInjectionTest {
    @RegisterExtension
    static WireMockExtension wiremock = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final Duration LEAK_WAIT = Duration.ofSeconds(10);

    /** Delays the retry hook was told, for this test. */
    private final List<Duration> retryDelays = new CopyOnWriteArrayList<>();

    @AfterAll
    static void printTable() {
        FaultTable.print();
    }

    private RetryPolicy.Builder fastRetries() {
        return RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(20))
                .maxBackoff(Duration.ofMillis(50))
                .maxRetryAfter(Duration.ofSeconds(2))
                .onRetry((request, attempt, delay, failure) -> retryDelays.add(delay));
    }

    private ConnectionConfig config(String address, RetryPolicy retries) {
        return ConnectionConfig.builder()
                .domain(address)
                .apiKey("fault-key")
                .requestTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(2))
                .streamIdleTimeout(Duration.ofSeconds(2))
                .retryPolicy(retries)
                .build();
    }

    private ConnectionConfig config(String address) {
        return config(address, fastRetries().build());
    }

    private static String wiremockAddress() {
        return "127.0.0.1:" + wiremock.getPort();
    }

    /** What a call did. */
    private record Result<T>(T value, SandboxException failure, long millis) {
        int attempts(List<Duration> retryDelays) {
            return failure != null ? failure.attempts() : 1 + retryDelays.size();
        }

        String outcome() {
            if (failure == null) {
                return "success";
            }
            if (failure.getClass() == SandboxException.class) {
                return "SandboxException " + failure.error().code();
            }
            String status = failure instanceof SandboxApiException api ? " " + api.statusCode() : "";
            String sent = failure instanceof ConnectionException c ? (c.requestSent() ? " (sent)" : " (not sent)") : "";
            return failure.getClass().getSimpleName() + status + sent;
        }
    }

    private static <T> T awaitAsync(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof SandboxException sandboxException
                    ? sandboxException
                    : new SandboxException("UNEXPECTED", String.valueOf(e.getCause()));
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new SandboxException("HUNG", "the async call did not end: " + e);
        }
    }

    private static <T> Result<T> call(Supplier<T> action) {
        long start = System.nanoTime();
        try {
            T value = action.get();
            return new Result<>(value, null, (System.nanoTime() - start) / 1_000_000);
        } catch (SandboxException e) {
            return new Result<>(null, e, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Records the row after everything was closed, and checks nothing was left behind. */
    private void record(String fault, Result<?> result, int port, RawServer raw) {
        List<String> threads = SdkResources.awaitNoOwnedThreads(LEAK_WAIT);
        int connections = SdkResources.awaitAtMost(() -> SdkResources.clientConnections(port), 0, LEAK_WAIT);
        if (raw != null) {
            connections = Math.max(connections, SdkResources.awaitAtMost(raw::openConnections, 0, LEAK_WAIT));
        }
        FaultTable.add(new FaultTable.Row(
                fault, result.outcome(), result.attempts(retryDelays), result.millis(), threads.size(), connections));
        assertThat(threads).as("SDK threads left after close").isEmpty();
        assertThat(connections).as("connections left open after close").isZero();
    }

    private Result<SandboxInfo> getInfo(ConnectionConfig config, String id) {
        try (SandboxManager manager = SandboxManager.create(config)) {
            return call(() -> manager.getSandboxInfo(id));
        }
    }

    private Result<Sandbox> create(ConnectionConfig config) {
        return call(() -> {
            Sandbox sandbox = Sandbox.builder()
                    .image("python:3.12")
                    .connectionConfig(config)
                    .create();
            sandbox.close();
            return sandbox;
        });
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------ refused

    @Test
    void connectionRefused_get_isRetriedThenReportedAsNotSent() throws IOException {
        int port = closedPort();
        Result<SandboxInfo> result = getInfo(config("127.0.0.1:" + port), "sbx");

        assertThat(result.failure()).isInstanceOfSatisfying(ConnectionException.class, e -> {
            assertThat(e.requestSent()).isFalse();
            assertThat(e.isRetryable()).isTrue();
            assertThat(e.attempts()).isEqualTo(4);
        });
        record("connection refused (GET)", result, port, null);
    }

    @Test
    void connectionRefused_post_isRetriedBecauseNeverSent() throws IOException {
        int port = closedPort();
        Result<Sandbox> result = create(config("127.0.0.1:" + port));

        assertThat(result.failure()).isInstanceOfSatisfying(ConnectionException.class, e -> {
            assertThat(e.requestSent()).isFalse();
            assertThat(e.attempts()).isEqualTo(4);
        });
        record("connection refused (POST create)", result, port, null);
    }

    // ------------------------------------------------------------------------------------------ resets

    @Test
    void resetBeforeHeaders_get_succeedsOnRetry() {
        wiremock.stubFor(get("/v1/sandboxes/r1")
                .inScenario("reset")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
                .willSetStateTo("ok"));
        wiremock.stubFor(get("/v1/sandboxes/r1")
                .inScenario("reset")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(RawServer.sandboxJson("r1"))));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "r1");

        assertThat(result.failure()).isNull();
        assertThat(result.value().id()).isEqualTo("r1");
        assertThat(result.attempts(retryDelays)).isEqualTo(2);
        wiremock.verify(2, getRequestedFor(urlEqualTo("/v1/sandboxes/r1")));
        record("reset before headers (GET), then 200", result, wiremock.getPort(), null);
    }

    @Test
    void resetBeforeHeaders_post_isNotRepeatedBecauseTheServerMayHaveActed() {
        wiremock.stubFor(post("/v1/sandboxes").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        Result<Sandbox> result = create(config(wiremockAddress()));

        assertThat(result.failure()).isInstanceOfSatisfying(ConnectionException.class, e -> {
            assertThat(e.requestSent()).isTrue();
            assertThat(e.attempts()).isEqualTo(1);
        });
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
        record("reset before headers (POST create)", result, wiremock.getPort(), null);
    }

    @Test
    void emptyResponse_get_isRetriedThenReported() {
        wiremock.stubFor(get("/v1/sandboxes/e1").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "e1");

        assertThat(result.failure())
                .isInstanceOfSatisfying(
                        ConnectionException.class, e -> assertThat(e.attempts()).isEqualTo(4));
        wiremock.verify(4, getRequestedFor(urlEqualTo("/v1/sandboxes/e1")));
        record("closed without response (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void garbageThenClose_get_isRetriedThenReported() {
        wiremock.stubFor(get("/v1/sandboxes/g1").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "g1");

        assertThat(result.failure()).isInstanceOf(ConnectionException.class);
        assertThat(result.failure().attempts()).isEqualTo(4);
        record("garbage bytes then close (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void resetAfterHeaders_get_succeedsWhenTheServerRecovers() {
        try (RawServer raw = RawServer.start((request, exchange) -> {
            if (request.index() <= 2) {
                exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
                        + "{\"id\":\"r2\",");
                exchange.pause(50);
                exchange.reset();
                return;
            }
            exchange.json(RawServer.sandboxJson("r2"));
        })) {
            Result<SandboxInfo> result = getInfo(config(raw.address()), "r2");

            assertThat(result.failure()).isNull();
            assertThat(result.attempts(retryDelays)).isEqualTo(3);
            assertThat(raw.count("GET /v1/sandboxes/r2")).isEqualTo(3);
            record("reset after headers x2 (GET), then 200", result, raw.port(), raw);
        }
    }

    @Test
    void resetAfterHeaders_post_isNotRepeated() {
        try (RawServer raw = RawServer.start((request, exchange) -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{");
            exchange.pause(50);
            exchange.reset();
        })) {
            Result<Sandbox> result = create(config(raw.address()));

            assertThat(result.failure()).isInstanceOfSatisfying(ConnectionException.class, e -> {
                assertThat(e.requestSent()).isTrue();
                assertThat(e.attempts()).isEqualTo(1);
            });
            assertThat(raw.count("POST /v1/sandboxes")).isEqualTo(1);
            record("reset after headers (POST create)", result, raw.port(), raw);
        }
    }

    // ------------------------------------------------------------------------------------------ streams

    /** A raw server that is the lifecycle server and execd at once, with a command stream of our choosing. */
    private static RawServer execd(RawServer.Handler command) {
        RawServer[] self = new RawServer[1];
        self[0] = RawServer.start((request, exchange) -> {
            if (request.path().startsWith("/v1/sandboxes/sbx/endpoints/44772")) {
                exchange.json("{\"endpoint\":\"" + self[0].address() + "/execd\",\"headers\":{}}");
            } else if (request.path().equals("/execd/ping")) {
                exchange.respond(200, "text/plain", "");
            } else if (request.path().startsWith("/execd/command")) {
                command.handle(request, exchange);
            } else {
                exchange.respond(404, "application/json", "{\"code\":\"NOT_FOUND\",\"message\":\"no\"}");
            }
        });
        return self[0];
    }

    private static final String STREAM_HEAD =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static String chunk(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Integer.toHexString(bytes.length) + "\r\n" + text + "\r\n";
    }

    private static String event(String json) {
        return chunk(json + "\n\n");
    }

    private static final String INIT = event("{\"type\":\"init\",\"text\":\"exec-1\",\"timestamp\":1}");
    private static final String LINE_1 = event("{\"type\":\"stdout\",\"text\":\"one\",\"timestamp\":2}");
    private static final String LINE_2 = event("{\"type\":\"stdout\",\"text\":\"two\",\"timestamp\":3}");
    private static final String COMPLETE =
            event("{\"type\":\"execution_complete\",\"execution_time\":5,\"timestamp\":4}");

    private Result<Execution> runCommand(ConnectionConfig config) {
        try (Sandbox sandbox = Sandbox.connector("sbx")
                .connectionConfig(config)
                .skipHealthCheck(true)
                .connect()) {
            return call(() -> Commands.of(sandbox).run("echo one; echo two"));
        }
    }

    @Test
    void streamComplete_control_succeeds() {
        try (RawServer raw = execd((request, exchange) -> {
            exchange.write(STREAM_HEAD + INIT + LINE_1 + LINE_2 + COMPLETE + "0\r\n\r\n");
        })) {
            Result<Execution> result = runCommand(config(raw.address()));

            assertThat(result.failure()).isNull();
            assertThat(result.value().stdoutText()).isEqualTo("one\ntwo");
            record("control: complete command stream", result, raw.port(), raw);
        }
    }

    @Test
    void resetMidStream_command_failsAsBrokenAndIsNeverReplayed() {
        try (RawServer raw = execd((request, exchange) -> {
            exchange.write(STREAM_HEAD + INIT + LINE_1);
            exchange.pause(100);
            exchange.reset();
        })) {
            Result<Execution> result = runCommand(config(raw.address()));

            assertThat(result.failure())
                    .isInstanceOfSatisfying(
                            StreamBrokenException.class,
                            e -> assertThat(e.attempts()).isEqualTo(1));
            assertThat(raw.count("POST /execd/command")).isEqualTo(1);
            record("reset mid-stream (command)", result, raw.port(), raw);
        }
    }

    @Test
    void truncatedChunkedStream_command_failsAsBroken() {
        try (RawServer raw = execd((request, exchange) -> {
            exchange.write(STREAM_HEAD + INIT + LINE_1);
            exchange.closeCleanly(); // FIN without the terminating 0-chunk
        })) {
            Result<Execution> result = runCommand(config(raw.address()));

            assertThat(result.failure()).isInstanceOf(StreamBrokenException.class);
            assertThat(raw.count("POST /execd/command")).isEqualTo(1);
            record("truncated chunked stream (command)", result, raw.port(), raw);
        }
    }

    @Test
    void streamEndingWithoutCompletion_command_failsAsBroken() {
        try (RawServer raw = execd((request, exchange) -> exchange.write(STREAM_HEAD + INIT + LINE_1 + "0\r\n\r\n"))) {
            Result<Execution> result = runCommand(config(raw.address()));

            assertThat(result.failure()).isInstanceOf(StreamBrokenException.class);
            record("stream ends without completion event", result, raw.port(), raw);
        }
    }

    @Test
    void silentStream_command_timesOutAfterTheIdleTimeoutAndReleasesTheConnection() {
        try (RawServer raw = execd((request, exchange) -> {
            exchange.write(STREAM_HEAD + INIT + LINE_1);
            exchange.stallUntilClientCloses();
        })) {
            ConnectionConfig config = config(raw.address()).toBuilder()
                    .streamIdleTimeout(Duration.ofMillis(500))
                    .build();
            Result<Execution> result = runCommand(config);

            assertThat(result.failure()).isInstanceOf(SandboxTimeoutException.class);
            assertThat(result.millis()).isLessThan(RawServer.MAX_STALL.toMillis() / 2);
            assertThat(raw.count("POST /execd/command")).isEqualTo(1);
            record("stream silent > idle timeout (command)", result, raw.port(), raw);
        }
    }

    @Test
    void truncatedChunkedBody_get_isRetriedThenReported() {
        try (RawServer raw = RawServer.start((request, exchange) -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("{\"id\":\"t1\","));
            exchange.closeCleanly();
        })) {
            Result<SandboxInfo> result = getInfo(config(raw.address()), "t1");

            assertThat(result.failure()).isInstanceOf(ConnectionException.class);
            assertThat(result.failure().attempts()).isEqualTo(4);
            record("truncated chunked body (GET)", result, raw.port(), raw);
        }
    }

    // ------------------------------------------------------------------------------------------ slow

    @Test
    void slowHeaders_get_timesOutOnEachAttemptWithoutWaitingForTheServer() {
        wiremock.stubFor(get("/v1/sandboxes/s1")
                .willReturn(okJson(RawServer.sandboxJson("s1")).withFixedDelay(5_000)));
        ConnectionConfig config = config(wiremockAddress()).toBuilder()
                .requestTimeout(Duration.ofMillis(300))
                .build();

        Result<SandboxInfo> result = getInfo(config, "s1");

        assertThat(result.failure()).isInstanceOf(SandboxTimeoutException.class);
        assertThat(result.failure().attempts()).isEqualTo(4);
        assertThat(result.millis()).isLessThan(5_000); // never waited for the slow server once
        record("slow headers 5 s, request timeout 300 ms (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void slowBodyStillMoving_get_isNotCutByTheRequestTimeout() {
        wiremock.stubFor(get("/v1/sandboxes/d1")
                .willReturn(okJson(RawServer.sandboxJson("d1")).withChunkedDribbleDelay(10, 2_000)));
        ConnectionConfig config = config(wiremockAddress()).toBuilder()
                .requestTimeout(Duration.ofSeconds(1))
                .build();

        Result<SandboxInfo> result = getInfo(config, "d1");

        assertThat(result.failure()).isNull();
        assertThat(result.value().id()).isEqualTo("d1");
        assertThat(result.attempts(retryDelays)).isEqualTo(1);
        record("slow body 2 s in 10 chunks, timeout 1 s (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void stalledBody_get_timesOut() {
        try (RawServer raw = RawServer.start((request, exchange) -> {
            exchange.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n{\"id\":");
            exchange.stallUntilClientCloses();
        })) {
            ConnectionConfig config = config(raw.address(), RetryPolicy.disabled()).toBuilder()
                    .requestTimeout(Duration.ofMillis(500))
                    .build();
            Result<SandboxInfo> result = getInfo(config, "b1");

            assertThat(result.failure()).isInstanceOf(SandboxTimeoutException.class);
            assertThat(result.failure().attempts()).isEqualTo(1);
            assertThat(result.millis()).isLessThan(RawServer.MAX_STALL.toMillis() / 2);
            record("body stalls after headers (GET, no retry)", result, raw.port(), raw);
        }
    }

    // ------------------------------------------------------------------------------------------ bad bodies

    @Test
    void malformedJson_get_isAnUnexpectedResponseAndNotRetried() {
        wiremock.stubFor(get("/v1/sandboxes/m1").willReturn(okJson("{\"id\": \"m1\", \"status\": {")));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "m1");

        assertThat(result.failure()).isNotNull();
        assertThat(result.failure().error().code()).isEqualTo(SandboxError.UNEXPECTED_RESPONSE);
        assertThat(result.failure().isRetryable()).isFalse();
        assertThat(result.failure().attempts()).isEqualTo(1);
        wiremock.verify(1, getRequestedFor(urlEqualTo("/v1/sandboxes/m1")));
        record("malformed JSON in a 200 (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void htmlBadGatewayFromAProxy_get_isRetriedAndReportedReadably() {
        wiremock.stubFor(get("/v1/sandboxes/h1")
                .willReturn(aResponse()
                        .withStatus(502)
                        .withHeader("Content-Type", "text/html")
                        .withBody("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad"
                                + " Gateway</h1></center><hr><center>nginx</center></body></html>")));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "h1");

        assertThat(result.failure()).isInstanceOfSatisfying(SandboxApiException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(502);
            assertThat(e.error().message()).contains("502 Bad Gateway").doesNotContain("<");
            assertThat(e.attempts()).isEqualTo(4);
        });
        record("HTML 502 from a proxy (GET)", result, wiremock.getPort(), null);
    }

    // ------------------------------------------------------------------------------------------ statuses

    @Test
    void rateLimitedWithRetryAfter_get_waitsAsToldThenSucceeds() {
        wiremock.stubFor(get("/v1/sandboxes/q1")
                .inScenario("429")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "1")
                        .withBody("{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\"}"))
                .willSetStateTo("ok"));
        wiremock.stubFor(get("/v1/sandboxes/q1")
                .inScenario("429")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(RawServer.sandboxJson("q1"))));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "q1");

        assertThat(result.failure()).isNull();
        assertThat(retryDelays).containsExactly(Duration.ofSeconds(1));
        assertThat(result.millis()).isGreaterThanOrEqualTo(1_000);
        record("429 Retry-After: 1, then 200 (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void rateLimitedWithHugeRetryAfter_get_failsAtOnceAndReportsRetryAfter() {
        wiremock.stubFor(get("/v1/sandboxes/q2")
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "3600")
                        .withBody("{\"code\":\"RATE_LIMITED\",\"message\":\"slow down\"}")));
        ConnectionConfig config = config(
                wiremockAddress(),
                fastRetries()
                        .maxRetries(1)
                        .maxRetryAfter(Duration.ofMillis(300))
                        .build());

        Result<SandboxInfo> result = getInfo(config, "q2");

        assertThat(result.failure()).isInstanceOfSatisfying(RateLimitedException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            assertThat(e.attempts()).isEqualTo(1);
        });
        assertThat(retryDelays).isEmpty(); // asking again before the server's hour is up helps no one
        record("429 Retry-After: 3600, cap 300 ms (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void serviceUnavailableBurst_get_succeedsOnTheFourthAttempt() {
        for (int i = 0; i < 3; i++) {
            wiremock.stubFor(get("/v1/sandboxes/u1")
                    .inScenario("503")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "after" + i)
                    .willReturn(aResponse().withStatus(503).withBody("busy"))
                    .willSetStateTo("after" + (i + 1)));
        }
        wiremock.stubFor(get("/v1/sandboxes/u1")
                .inScenario("503")
                .whenScenarioStateIs("after3")
                .willReturn(okJson(RawServer.sandboxJson("u1"))));

        Result<SandboxInfo> result = getInfo(config(wiremockAddress()), "u1");

        assertThat(result.failure()).isNull();
        assertThat(result.attempts(retryDelays)).isEqualTo(4);
        wiremock.verify(4, getRequestedFor(urlEqualTo("/v1/sandboxes/u1")));
        record("503 x3, then 200 (GET)", result, wiremock.getPort(), null);
    }

    @Test
    void serviceUnavailable_post_isNotRepeated() {
        wiremock.stubFor(
                post("/v1/sandboxes").willReturn(aResponse().withStatus(503).withBody("busy")));

        Result<Sandbox> result = create(config(wiremockAddress()));

        assertThat(result.failure()).isInstanceOfSatisfying(SandboxApiException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(503);
            assertThat(e.attempts()).isEqualTo(1);
        });
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
        record("503 (POST create)", result, wiremock.getPort(), null);
    }

    @Test
    void serviceUnavailable_post_isRepeatedWhenTheCallerOptsIn() {
        wiremock.stubFor(post("/v1/sandboxes")
                .inScenario("post-503")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("busy"))
                .willSetStateTo("ok"));
        wiremock.stubFor(post("/v1/sandboxes")
                .inScenario("post-503")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(RawServer.sandboxJson("o1"))));
        stubExecdOnWiremock("o1");

        Result<Sandbox> result = create(config(
                wiremockAddress(),
                fastRetries().retryNonIdempotentOnStatus(true).build()));

        assertThat(result.failure()).isNull();
        assertThat(result.attempts(retryDelays)).isEqualTo(2);
        wiremock.verify(2, postRequestedFor(urlEqualTo("/v1/sandboxes")));
        record("503 then 201 (POST create, opted in)", result, wiremock.getPort(), null);
    }

    @Test
    void serviceUnavailableBeforeADownloadStarts_isRepeated() {
        wiremock.stubFor(get(urlPathEqualTo("/o2/files/download"))
                .inScenario("download-503")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("busy"))
                .willSetStateTo("ok"));
        wiremock.stubFor(get(urlPathEqualTo("/o2/files/download"))
                .inScenario("download-503")
                .whenScenarioStateIs("ok")
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/octet-stream")
                        .withBody("0123456789")));
        stubExecdOnWiremock("o2");

        Result<byte[]> result;
        try (Sandbox sandbox = Sandbox.connector("o2")
                .connectionConfig(config(wiremockAddress()))
                .skipHealthCheck(true)
                .connect()) {
            result = call(() -> SandboxFiles.of(sandbox).readBytes("/tmp/f.bin"));
        }

        assertThat(result.failure()).isNull();
        assertThat(result.value()).hasSize(10);
        assertThat(result.attempts(retryDelays)).isEqualTo(2);
        record("503 then 200 before a download starts (GET)", result, wiremock.getPort(), null);
    }

    /** The endpoint of execd at {@code /<id>} on WireMock, answering pings. */
    private static void stubExecdOnWiremock(String id) {
        wiremock.stubFor(get(urlPathEqualTo("/v1/sandboxes/" + id + "/endpoints/44772"))
                .willReturn(okJson("{\"endpoint\":\"" + wiremockAddress() + "/" + id + "\",\"headers\":{}}")));
        wiremock.stubFor(get("/" + id + "/ping").willReturn(aResponse().withStatus(200)));
    }

    @Test
    void capacityExceeded_post_isReportedAndNotRepeated() {
        wiremock.stubFor(post("/v1/sandboxes")
                .willReturn(aResponse()
                        .withStatus(507)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"SANDBOX_CAPACITY_EXCEEDED\",\"message\":\"no room\"}")));

        Result<Sandbox> result = create(config(wiremockAddress()));

        assertThat(result.failure()).isInstanceOfSatisfying(CapacityExceededException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(507);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.attempts()).isEqualTo(1);
        });
        wiremock.verify(1, postRequestedFor(urlEqualTo("/v1/sandboxes")));
        record("507 capacity exceeded (POST create)", result, wiremock.getPort(), null);
    }

    // ------------------------------------------------------------------------------------------ files

    private static final String TRUNCATED_DOWNLOAD =
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n0123456789";

    @Test
    void truncatedDownload_readBytes_failsInsteadOfReturningShortData() {
        try (RawServer raw = execd((request, exchange) -> {})) {
            raw.handler(downloadHandler(raw, exchange -> {
                exchange.write(TRUNCATED_DOWNLOAD);
                exchange.closeCleanly();
            }));
            Result<byte[]> result;
            try (Sandbox sandbox = Sandbox.connector("sbx")
                    .connectionConfig(config(raw.address()))
                    .skipHealthCheck(true)
                    .connect()) {
                result = call(() -> SandboxFiles.of(sandbox).readBytes("/tmp/model.bin"));
            }

            assertThat(result.failure())
                    .as("a short download must not look like success")
                    .isNotNull();
            assertThat(result.failure().attempts()).isEqualTo(1);
            record("truncated download, 10 of 1000 bytes (readBytes)", result, raw.port(), raw);
        }
    }

    @Test
    void truncatedDownload_readStream_throwsInsteadOfEndingEarly() {
        try (RawServer raw = execd((request, exchange) -> {})) {
            raw.handler(downloadHandler(raw, exchange -> {
                exchange.write(TRUNCATED_DOWNLOAD);
                exchange.closeCleanly();
            }));
            Result<Integer> result;
            try (Sandbox sandbox = Sandbox.connector("sbx")
                    .connectionConfig(config(raw.address()))
                    .skipHealthCheck(true)
                    .connect()) {
                result = call(() -> {
                    try (InputStream in = SandboxFiles.of(sandbox).readStream("/tmp/model.bin")) {
                        return in.readAllBytes().length;
                    } catch (IOException e) {
                        throw new SandboxException(
                                "read() threw " + e.getClass().getSimpleName(), e.toString());
                    }
                });
            }

            assertThat(result.failure())
                    .as("a short stream must not end like a complete one")
                    .isNotNull();
            record("truncated download, 10 of 1000 bytes (readStream)", result, raw.port(), raw);
        }
    }

    /** Answers the endpoint lookup like {@link #execd}, and file downloads with {@code download}. */
    private static RawServer.Handler downloadHandler(RawServer raw, Download download) {
        return (request, exchange) -> {
            if (request.path().startsWith("/v1/sandboxes/sbx/endpoints/44772")) {
                exchange.json("{\"endpoint\":\"" + raw.address() + "/execd\",\"headers\":{}}");
            } else if (request.path().startsWith("/execd/files/download")) {
                download.answer(exchange);
            } else {
                exchange.respond(404, "application/json", "{\"code\":\"NOT_FOUND\",\"message\":\"no\"}");
            }
        };
    }

    /** Answers a download. */
    @FunctionalInterface
    private interface Download {
        void answer(RawServer.Exchange exchange) throws IOException;
    }

    // ------------------------------------------------------------------------------------------ giving up

    @Test
    void closeWhileStreaming_failsTheRunPromptlyAndLeavesNothing() {
        try (RawServer raw = execd((request, exchange) -> {
            exchange.write(STREAM_HEAD + INIT + LINE_1);
            exchange.stallUntilClientCloses();
        })) {
            ConnectionConfig config = config(raw.address()).toBuilder()
                    .streamIdleTimeout(Duration.ofSeconds(25))
                    .build();
            Sandbox sandbox = Sandbox.connector("sbx")
                    .connectionConfig(config)
                    .skipHealthCheck(true)
                    .connect();
            CompletableFuture<Execution> running =
                    Commands.of(sandbox).runAsync("sleep 60", RunOptions.defaults(), ExecutionHandlers.NONE);
            SdkResources.awaitAtMost(() -> (int) (1 - raw.count("POST /execd/command")), 0, Duration.ofSeconds(5));
            SdkResources.sleep(200);

            long start = System.nanoTime();
            sandbox.close(); // the last user of the transport: closes it under the running stream
            Result<Execution> result = call(() -> {
                try {
                    return running.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SandboxException failure) {
                        throw failure;
                    }
                    throw new SandboxException("NOT_A_SANDBOX_EXCEPTION", String.valueOf(e.getCause()));
                } catch (InterruptedException | TimeoutException e) {
                    throw new SandboxException("HUNG", "the run did not end after close: " + e);
                }
            });
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(result.failure()).isNotNull();
            assertThat(result.failure().error().code()).isNotEqualTo("HUNG");
            record(
                    "transport closed under a running stream",
                    new Result<>(null, result.failure(), millis),
                    raw.port(),
                    raw);
        }
    }

    @Test
    void interruptingABlockedCall_cancelsItAndReleasesTheConnection() throws Exception {
        try (RawServer raw = RawServer.start((request, exchange) -> exchange.stallUntilClientCloses())) {
            ConnectionConfig config = config(raw.address()).toBuilder()
                    .requestTimeout(Duration.ofSeconds(25))
                    .build();
            CompletableFuture<Result<SandboxInfo>> outcome = new CompletableFuture<>();
            Thread caller = new Thread(() -> outcome.complete(getInfo(config, "i1")), "blocked-caller");
            caller.start();
            SdkResources.awaitAtMost(() -> raw.requests().size() == 0 ? 1 : 0, 0, Duration.ofSeconds(5));

            long start = System.nanoTime();
            caller.interrupt();
            Result<SandboxInfo> result = outcome.get(10, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(result.failure()).isNotNull();
            assertThat(result.failure().error().code()).isEqualTo(SandboxError.CANCELLED);
            record(
                    "caller thread interrupted while blocked",
                    new Result<>(null, result.failure(), millis),
                    raw.port(),
                    raw);
        }
    }

    // ------------------------------------------------------------------------------------------ pool

    @Test
    void poolExhaustedByStalledStreams_aCallTimesOutInsteadOfHanging_andThePoolRecovers() {
        RawServer[] self = new RawServer[1];
        self[0] = RawServer.start((request, exchange) -> {
            if (request.path().startsWith("/v1/sandboxes/sbx/endpoints/44772")) {
                exchange.json("{\"endpoint\":\"" + self[0].address() + "/execd\",\"headers\":{}}");
            } else if (request.path().startsWith("/execd/command")) {
                exchange.write(STREAM_HEAD + INIT);
                exchange.stallUntilClientCloses();
            } else {
                exchange.json(RawServer.sandboxJson("sbx"));
            }
        });
        try (RawServer raw = self[0]) {
            ConnectionConfig config = config(raw.address(), RetryPolicy.disabled()).toBuilder()
                    .maxConnections(2)
                    .requestTimeout(Duration.ofMillis(700))
                    .streamIdleTimeout(Duration.ofSeconds(25))
                    .build();
            Result<SandboxInfo> result;
            Result<Sandbox> asyncResult;
            Result<SandboxInfo> afterwards;
            try (Sandbox sandbox = Sandbox.connector("sbx")
                            .connectionConfig(config)
                            .skipHealthCheck(true)
                            .connect();
                    SandboxManager manager = SandboxManager.create(config)) {
                List<CompletableFuture<Execution>> streams = List.of(
                        Commands.of(sandbox).runAsync("sleep 60", RunOptions.defaults(), ExecutionHandlers.NONE),
                        Commands.of(sandbox).runAsync("sleep 60", RunOptions.defaults(), ExecutionHandlers.NONE));
                SdkResources.awaitAtMost(() -> (int) (2 - raw.count("POST /execd/command")), 0, Duration.ofSeconds(5));

                result = call(() -> manager.getSandboxInfo("sbx"));
                // no asynchronous connection free: connectAsync reads the sandbox through the asynchronous path
                asyncResult = call(() -> awaitAsync(Sandbox.connector("sbx")
                        .connectionConfig(config)
                        .skipHealthCheck(true)
                        .connectAsync()));

                streams.forEach(stream -> stream.cancel(true));
                afterwards = call(() -> manager.getSandboxInfo("sbx"));
            }

            // The default transport (HttpClient 5, the one this config gets) runs blocking calls on the calling
            // thread over a pool of their own: streams that hold every asynchronous connection no longer starve them.
            assertThat(result.failure())
                    .as("a blocking call beside two stalled streams")
                    .isNull();
            assertThat(asyncResult.failure())
                    .as("an asynchronous call with no connection free times out instead of hanging")
                    .isInstanceOf(SandboxTimeoutException.class);
            assertThat(asyncResult.millis()).isLessThan(700 + 5_000);
            assertThat(result.millis()).isLessThan(700 + 5_000);
            assertThat(afterwards.failure())
                    .as("the pool recovers once the streams end")
                    .isNull();
            record("pool of 2 held by 2 stalled streams, 3rd call", result, raw.port(), raw);
        }
    }

    // ------------------------------------------------------------------------------------------ resume

    @Test
    void endpointChangesAfterResume_theResumedSandboxUsesTheNewEndpoint() {
        // not a resource of the try: the test closes it half-way, and the finally only covers a failure before that
        RawServer before = RawServer.start((request, exchange) -> exchange.respond(200, "text/plain", ""));
        try (RawServer after = RawServer.start((request, exchange) -> exchange.respond(200, "text/plain", ""))) {
            String endpoints = "/v1/sandboxes/p1/endpoints/44772";
            wiremock.stubFor(get(urlPathEqualTo(endpoints))
                    .inScenario("resume")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson("{\"endpoint\":\"" + before.address() + "\",\"headers\":{}}")));
            wiremock.stubFor(
                    post("/v1/sandboxes/p1/pause").willReturn(aResponse().withStatus(202)));
            wiremock.stubFor(post("/v1/sandboxes/p1/resume")
                    .inScenario("resume")
                    .willReturn(aResponse().withStatus(202))
                    .willSetStateTo("resumed"));
            wiremock.stubFor(get(urlPathEqualTo(endpoints))
                    .inScenario("resume")
                    .whenScenarioStateIs("resumed")
                    .willReturn(okJson("{\"endpoint\":\"" + after.address() + "\",\"headers\":{}}")));
            ConnectionConfig config = config(wiremockAddress());

            Result<Boolean> result;
            try (Sandbox paused = Sandbox.connect("p1", config)) {
                assertThat(paused.endpoint(SandboxHandle.EXECD_PORT).address()).isEqualTo(before.address());
                paused.pause();
                before.close(); // the old address stops answering
                result = call(() -> {
                    try (Sandbox resumed = paused.resume()) {
                        assertThat(resumed.endpoint(SandboxHandle.EXECD_PORT).address())
                                .isEqualTo(after.address());
                        return resumed.isHealthy();
                    }
                });
                assertThat(paused.isHealthy())
                        .as("the old instance keeps the old endpoint")
                        .isFalse();
            }

            assertThat(result.failure()).isNull();
            assertThat(result.value()).isTrue();
            assertThat(after.count("GET /ping")).isGreaterThanOrEqualTo(2); // readiness and isHealthy
            record("endpoint changes after resume", result, after.port(), after);
        } finally {
            before.close();
        }
    }
}
