package io.opensandbox.files;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.Options;
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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The call listener on execd file calls: names, transfers counted to their end, retries, threads, secrets. */
@Timeout(30)
class FilesCallListenerWireTest {
    private static final String P = "/proxy/44772";
    private static final String TOKEN = "execd-access-token-8c4d";
    private static final String API_KEY = "lifecycle-secret-2e7a";
    private static final String CONTENT = "twelve bytes";
    private static final String INFO = "{\"path\":\"/w/a.txt\",\"type\":\"file\",\"size\":12,"
            + "\"modified_at\":\"2025-11-16T14:30:45Z\",\"created_at\":\"2025-11-16T14:30:45Z\","
            + "\"owner\":\"admin\",\"group\":\"staff\",\"mode\":644}";
    private static WireMockServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER));
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
                .domain("127.0.0.1:1")
                .apiKey(API_KEY)
                .retryPolicy(retries)
                .callListener(listener)
                .build();
        return DirectHandle.of(
                "sbx-files",
                config,
                Map.of(
                        SandboxHandle.EXECD_PORT,
                        Endpoint.of("127.0.0.1:" + server.port() + P, Map.of("X-EXECD-ACCESS-TOKEN", TOKEN))));
    }

    @Test
    void everyFilesOperation_isOneNamedCall_transfersCountedToTheirEnd() throws Exception {
        server.stubFor(
                post(urlPathEqualTo(P + "/files/upload")).willReturn(aResponse().withStatus(200)));
        server.stubFor(get(urlPathEqualTo(P + "/files/download"))
                .willReturn(aResponse().withBody(CONTENT)));
        server.stubFor(get(urlPathEqualTo(P + "/files/info")).willReturn(okJson("{\"/w/a.txt\":" + INFO + "}")));
        server.stubFor(get(urlPathEqualTo(P + "/files/search")).willReturn(okJson("[" + INFO + "]")));
        server.stubFor(get(urlPathEqualTo(P + "/directories/list")).willReturn(okJson("[" + INFO + "]")));
        server.stubFor(
                post(urlPathEqualTo(P + "/directories")).willReturn(aResponse().withStatus(200)));
        server.stubFor(
                delete(urlPathEqualTo(P + "/files")).willReturn(aResponse().withStatus(200)));
        server.stubFor(delete(urlPathEqualTo(P + "/directories"))
                .willReturn(aResponse().withStatus(200)));
        server.stubFor(
                post(urlPathEqualTo(P + "/files/mv")).willReturn(aResponse().withStatus(200)));
        server.stubFor(post(urlPathEqualTo(P + "/files/permissions"))
                .willReturn(aResponse().withStatus(200)));
        server.stubFor(
                post(urlPathEqualTo(P + "/files/replace")).willReturn(okJson("{\"/w/a.txt\":{\"replacedCount\":1}}")));
        CallRecorder recorder = new CallRecorder();
        String testThread = Thread.currentThread().getName();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            SandboxFiles files = SandboxFiles.of(handle);
            files.writeFile("/w/a.txt", CONTENT);
            files.writeFilesAsync(List.of(WriteEntry.of("/w/b.txt", CONTENT)), WriteOptions.defaults())
                    .get(10, TimeUnit.SECONDS);
            assertThat(files.readFile("/w/a.txt")).isEqualTo(CONTENT);
            try (InputStream in = files.readStream("/w/a.txt")) {
                assertThat(in.readAllBytes()).hasSize(CONTENT.length());
                // read to its end: the operation ended there, not at close
            }
            assertThat(files.download("/w/a.txt", temp.resolve("a.txt"))).isEqualTo(CONTENT.length());
            assertThat(files.download("/w/a.txt", new ByteArrayOutputStream())).isEqualTo(CONTENT.length());
            assertThat(files.downloadAsync("/w/a.txt", temp.resolve("b.txt"), ReadOptions.defaults())
                            .get(10, TimeUnit.SECONDS))
                    .isEqualTo(CONTENT.length());
            files.getFileInfo("/w/a.txt");
            files.search("/w", "*.txt");
            files.listDirectory("/w");
            files.createDirectories("/w/d");
            files.deleteFiles(List.of("/w/a.txt"));
            files.deleteDirectories(List.of("/w/d"));
            files.moveFile("/w/b.txt", "/w/c.txt");
            files.setPermissions("/w/c.txt", Permissions.mode(FileMode.of("600")));
            files.replaceContents(List.of(new Replacement("/w/c.txt", "twelve", "six")));
        }
        recorder.awaitEnds(16);
        assertThat(recorder.operations())
                .containsExactly(
                        "files.write",
                        "files.write",
                        "files.read",
                        "files.readStream",
                        "files.download",
                        "files.download",
                        "files.download",
                        "files.getInfo",
                        "files.search",
                        "files.list",
                        "files.createDirectories",
                        "files.delete",
                        "files.deleteDirectories",
                        "files.move",
                        "files.setPermissions",
                        "files.replace");
        assertThat(recorder.ends).allSatisfy(end -> {
            assertThat(end.outcome()).as(end.toString()).isEqualTo(CallOutcome.SUCCESS);
            assertThat(end.sandboxId()).contains("sbx-files");
            assertThat(end.attempts()).isEqualTo(1);
            assertThat(end.status()).hasValue(200);
        });
        assertThat(recorder.ends.stream().filter(end -> end.operation().equals("files.write")))
                .hasSize(2)
                .allSatisfy(end -> assertThat(end.bytesSent()).isGreaterThan(CONTENT.length())); // multipart
        assertThat(recorder.ends.stream()
                        .filter(end -> end.operation().startsWith("files.read")
                                || end.operation().equals("files.download")))
                .hasSize(5)
                .allSatisfy(end -> assertThat(end.bytesReceived()).isEqualTo(CONTENT.length()));
        assertThat(recorder.onlyOn(testThread)).as(recorder.threads.toString()).isTrue();
        assertThat(recorder.told()).doesNotContain(TOKEN).doesNotContain(API_KEY);
    }

    @Test
    void aStreamClosedBeforeItsEnd_endsCancelled_withTheBytesReadSoFar() throws Exception {
        server.stubFor(get(urlPathEqualTo(P + "/files/download"))
                .willReturn(aResponse().withBody(new byte[100_000]).withChunkedDribbleDelay(50, 5_000)));
        CallRecorder recorder = new CallRecorder();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            InputStream in = SandboxFiles.of(handle).readStream("/w/big.bin");
            assertThat(in.read()).isZero();
            assertThat(recorder.ends).isEmpty(); // still open: not ended yet
            in.close();
        }
        recorder.awaitEnds(1);
        CallEnd end = recorder.end("files.readStream");
        assertThat(end.outcome()).isEqualTo(CallOutcome.CANCELLED);
        assertThat(end.bytesReceived()).isPositive().isLessThan(100_000);
    }

    @Test
    void anAsyncTransfer_endsOnAHandlerThread_neverAnIoThreadOrTheCommonPool() throws Exception {
        server.stubFor(post(urlPathEqualTo(P + "/files/upload"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(200)));
        CallRecorder recorder = new CallRecorder();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            // not waiting on the future (a waiting get() may run its callbacks itself)
            CompletableFuture<Void> write = SandboxFiles.of(handle)
                    .writeFilesAsync(List.of(WriteEntry.of("/w/a.txt", CONTENT)), WriteOptions.defaults());
            recorder.awaitEnds(1);
            write.get(10, TimeUnit.SECONDS);
        }
        assertThat(recorder.events)
                .containsExactly("start files.write sbx-files", "attempt 1", "end files.write SUCCESS");
        assertThat(recorder.threads.get(2)).startsWith("opensandbox-handler-");
    }

    @Test
    void aFailedCall_endsAsFailure_withItsStatusAndExceptionType() throws InterruptedException {
        server.stubFor(get(urlPathEqualTo(P + "/files/download"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"FILE_NOT_FOUND\",\"message\":\"no such file\"}")));
        CallRecorder recorder = new CallRecorder();
        try (DirectHandle handle = handle(recorder, RetryPolicy.disabled())) {
            assertThatThrownBy(() -> SandboxFiles.of(handle).readFile("/w/gone"))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> SandboxFiles.of(handle).readStream("/w/gone"))
                    .isInstanceOf(NotFoundException.class);
        }
        recorder.awaitEnds(2);
        assertThat(recorder.ends).allSatisfy(end -> {
            assertThat(end.outcome()).isEqualTo(CallOutcome.FAILURE);
            assertThat(end.status()).hasValue(404);
            assertThat(end.failure()).get().isInstanceOf(NotFoundException.class);
        });
        assertThat(recorder.told()).doesNotContain(TOKEN).doesNotContain(API_KEY);
    }

    @Test
    void aRetried503_isOneCallOfTwoAttempts() throws InterruptedException {
        server.stubFor(get(urlPathEqualTo(P + "/files/download"))
                .inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0"))
                .willSetStateTo("up"));
        server.stubFor(get(urlPathEqualTo(P + "/files/download"))
                .inScenario("busy")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withBody(CONTENT)));
        CallRecorder recorder = new CallRecorder();
        String testThread = Thread.currentThread().getName();
        RetryPolicy retries = RetryPolicy.builder()
                .maxRetries(2)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(20))
                .build();
        try (DirectHandle handle = handle(recorder, retries)) {
            assertThat(SandboxFiles.of(handle).readFile("/w/a.txt")).isEqualTo(CONTENT);
        }
        recorder.awaitEnds(1);
        assertThat(recorder.events)
                .containsExactly("start files.read sbx-files", "attempt 1", "attempt 2", "end files.read SUCCESS");
        CallEnd end = recorder.end("files.read");
        assertThat(end.attempts()).isEqualTo(2);
        assertThat(end.retries()).isEqualTo(1);
        assertThat(end.status()).hasValue(200);
        assertThat(end.bytesReceived()).isEqualTo(CONTENT.length());
        assertThat(recorder.onlyOn(testThread)).as(recorder.threads.toString()).isTrue();
    }

    @Test
    void aListenerThatThrowsEverywhere_breaksNoCall() throws Exception {
        server.stubFor(get(urlPathEqualTo(P + "/files/download"))
                .willReturn(aResponse().withBody(CONTENT)));
        for (CallListener listener : CallRecorder.hostile()) {
            try (DirectHandle handle = handle(listener, RetryPolicy.disabled())) {
                SandboxFiles files = SandboxFiles.of(handle);
                assertThat(files.readFile("/w/a.txt")).isEqualTo(CONTENT);
                try (InputStream in = files.readStream("/w/a.txt")) {
                    assertThat(in.readAllBytes()).hasSize(CONTENT.length());
                }
                assertThat(files.downloadAsync("/w/a.txt", new ByteArrayOutputStream(), ReadOptions.defaults())
                                .get(10, TimeUnit.SECONDS))
                        .isEqualTo(CONTENT.length());
            }
        }
    }
}
