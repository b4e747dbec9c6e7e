package io.opensandbox.files;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
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
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.DirectHandle;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import io.opensandbox.api.spi.BlockingExchanges;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact wire checks against WireMock, through the real transport found with ServiceLoader. */
class SandboxFilesWireTest {
    private static final String PREFIX = "/proxy/44772";
    private static final long IDLE_SECONDS = 10;
    private static final String TOKEN_HEADER = "X-EXECD-ACCESS-TOKEN";
    private static final String FILE_INFO_JSON = "{\"path\":\"/w/a.txt\",\"type\":\"file\",\"size\":12,"
            + "\"modified_at\":\"2025-11-16T14:30:45.123456789+08:00\",\"created_at\":\"2025-11-16T14:30:45Z\","
            + "\"owner\":\"admin\",\"group\":\"staff\",\"mode\":644}";

    private static WireMockServer server;
    private static Transport transport;
    private SandboxFiles files;

    @BeforeAll
    static void start() {
        // execd answers downloads with a Content-Length; WireMock would otherwise stream chunked
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER));
        server.start();
        TransportProvider provider =
                ServiceLoader.load(TransportProvider.class).findFirst().orElseThrow();
        transport = provider.create(new TransportOptions(Duration.ofSeconds(5), 8, "files-test"));
    }

    @AfterAll
    static void stop() {
        transport.close();
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        ConnectionConfig config = ConnectionConfig.builder()
                .apiKey("lifecycle-secret")
                .domain("127.0.0.1:1")
                .streamIdleTimeout(Duration.ofSeconds(10))
                // error responses are asserted at once, not after the default backoff
                .retryPolicy(RetryPolicy.disabled())
                .build();
        Endpoint endpoint = Endpoint.of("127.0.0.1:" + server.port() + PREFIX, Map.of(TOKEN_HEADER, "execd-token"));
        files = SandboxFiles.of(handle(config, endpoint));
    }

    private SandboxFiles filesWithRetries(AtomicInteger retries) {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .retryPolicy(RetryPolicy.builder()
                        .maxRetries(2)
                        .initialBackoff(Duration.ofMillis(10))
                        .maxBackoff(Duration.ofMillis(20))
                        .onRetry((call, attempt, delay, error) -> retries.incrementAndGet())
                        .build())
                .build();
        Endpoint endpoint = Endpoint.of("127.0.0.1:" + server.port() + PREFIX, Map.of());
        return SandboxFiles.of(handle(config, endpoint));
    }

    @Test
    void retries_repeatIdempotentReadsOn503_butNeverAStreamedUpload() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .inScenario("download")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"code\":\"BUSY\",\"message\":\"busy\"}"))
                .willSetStateTo("ready"));
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .inScenario("download")
                .whenScenarioStateIs("ready")
                .willReturn(aResponse().withBody("content")));
        server.stubFor(post(urlPathEqualTo(PREFIX + "/files/upload"))
                .willReturn(aResponse().withStatus(503).withBody("{\"code\":\"BUSY\",\"message\":\"busy\"}")));
        AtomicInteger retries = new AtomicInteger();
        SandboxFiles retrying = filesWithRetries(retries);

        assertThat(retrying.readFile("/w/retried.txt")).isEqualTo("content");
        assertThat(retries).hasValue(1);
        // Count only this test's requests: the two tests before it (in JUnit's order) leave a download and an upload
        // they gave up on after 300 ms, and on a loaded machine WireMock may journal those after the reset above.
        server.verify(
                2,
                getRequestedFor(urlPathEqualTo(PREFIX + "/files/download"))
                        .withQueryParam("path", equalTo("/w/retried.txt")));

        assertThatThrownBy(() -> retrying.writeFile("/w/never-twice.txt", "x"))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.attempts()).isEqualTo(1));
        server.verify(
                1,
                postRequestedFor(urlPathEqualTo(PREFIX + "/files/upload"))
                        .withRequestBody(containing("\"path\":\"/w/never-twice.txt\"")));
        assertThat(retries).hasValue(1);
    }

    /** A handle over the test's transport: the config names it, so the SDK leases it without ever closing it. */
    private static SandboxHandle handle(ConnectionConfig config, Endpoint endpoint) {
        return DirectHandle.of(
                "sbx-1", config.toBuilder().transport(transport).build(), Map.of(SandboxHandle.EXECD_PORT, endpoint));
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static String boundaryOf(LoggedRequest request) {
        Matcher matcher =
                Pattern.compile("multipart/form-data; boundary=(\\S+)").matcher(request.getHeader("Content-Type"));
        assertThat(matcher.matches()).as(request.getHeader("Content-Type")).isTrue();
        return matcher.group(1);
    }

    private static String part(String boundary, String name, String filename, String type, String body) {
        return "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: " + type + "\r\n\r\n"
                + body + "\r\n";
    }

    // ------------------------------------------------------------------------------------------------ uploads

    @Test
    void writeFiles_sendsOneMultipartRequestInExecdsExactFormat_withContentLength(@TempDir Path dir)
            throws IOException {
        server.stubFor(post(PREFIX + "/files/upload").willReturn(aResponse().withStatus(200)));
        Path local = dir.resolve("local.bin");
        Files.write(local, new byte[] {9, 8, 7});
        List<long[]> reports = Collections.synchronizedList(new ArrayList<>());

        files.writeFiles(
                List.of(
                        WriteEntry.builder("/w/run.sh")
                                .content("echo hi\n")
                                .permissions(Permissions.builder()
                                        .owner("admin")
                                        .mode(FileMode.of("755"))
                                        .build())
                                .build(),
                        WriteEntry.of("/w/data dir/ü.bin", local),
                        WriteEntry.builder("/w/raw")
                                .content(new byte[] {0, (byte) 0xff})
                                .permissions(
                                        Permissions.builder().group("staff").build())
                                .build()),
                WriteOptions.builder()
                        .listener((done, total) -> reports.add(new long[] {done, total}))
                        .build());

        LoggedRequest request = onlyRequest();
        assertThat(request.getUrl()).isEqualTo(PREFIX + "/files/upload");
        String b = boundaryOf(request);
        String expected = part(
                        b,
                        "metadata",
                        "metadata",
                        "application/json",
                        "{\"path\":\"/w/run.sh\",\"owner\":\"admin\",\"mode\":755}")
                + part(b, "file", "run.sh", "application/octet-stream", "echo hi\n")
                + part(b, "metadata", "metadata", "application/json", "{\"path\":\"/w/data dir/ü.bin\"}")
                + part(b, "file", "_.bin", "application/octet-stream", "\u0009\u0008\u0007")
                + part(b, "metadata", "metadata", "application/json", "{\"path\":\"/w/raw\",\"group\":\"staff\"}")
                + part(b, "file", "raw", "application/octet-stream", "\u0000\u00ff")
                + "--" + b + "--\r\n";
        byte[] body = request.getBody();
        // metadata JSON is UTF-8; compare bytes, decoding both sides the same way
        byte[] expectedBytes = expected.replace("ü", "\u00c3\u00bc").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(new String(body, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(expectedBytes, StandardCharsets.ISO_8859_1));
        assertThat(request.getHeader("Content-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(request.getHeader(TOKEN_HEADER)).isEqualTo("execd-token");
        assertThat(request.containsHeader("OPEN-SANDBOX-API-KEY")).isFalse();
        assertThat(reports.get(reports.size() - 1)).containsExactly(13L, 13L);
    }

    @Test
    void writeFiles_withStreamOfUnknownLength_isChunked_andReportsProgress() {
        server.stubFor(post(PREFIX + "/files/upload").willReturn(aResponse().withStatus(200)));
        byte[] content = new byte[700_000];
        new Random(1).nextBytes(content);
        List<long[]> reports = Collections.synchronizedList(new ArrayList<>());

        files.writeFiles(
                List.of(WriteEntry.of("/w/big.bin", new ByteArrayInputStream(content))),
                WriteOptions.builder()
                        .listener((done, total) -> reports.add(new long[] {done, total}))
                        .build());

        LoggedRequest request = onlyRequest();
        assertThat(request.containsHeader("Content-Length")).isFalse();
        assertThat(request.getHeader("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        String b = boundaryOf(request);
        byte[] body = request.getBody();
        String head = part(b, "metadata", "metadata", "application/json", "{\"path\":\"/w/big.bin\"}")
                + "--" + b + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + b + "--\r\n";
        assertThat(body.length).isEqualTo(head.length() + content.length + tail.length());
        byte[] middle = java.util.Arrays.copyOfRange(body, head.length(), head.length() + content.length);
        assertThat(middle).isEqualTo(content);
        assertThat(reports).isNotEmpty();
        assertThat(reports.get(reports.size() - 1)).containsExactly(700_000L, -1L);
    }

    @Test
    void writeFiles_whenTheSourceFailsHalfWay_abortsAndNeverReportsSuccess() {
        server.stubFor(post(PREFIX + "/files/upload").willReturn(aResponse().withStatus(200)));
        AtomicBoolean closed = new AtomicBoolean();
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (served >= 300_000) {
                    throw new IOException("source disk failed");
                }
                int n = Math.min(length, 300_000 - served);
                served += n;
                return n;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };

        assertThatThrownBy(() -> files.writeFiles(List.of(WriteEntry.of("/w/half.bin", failing))))
                .isInstanceOf(StreamBrokenException.class)
                .hasMessageContaining("source disk failed")
                .hasMessageContaining("/w/half.bin");
        assertThat(closed).isTrue();
        // the request never completed: WireMock saw no well-formed upload ending in the final boundary
        for (LoggedRequest request : server.findAll(postRequestedFor(urlPathEqualTo(PREFIX + "/files/upload")))) {
            assertThat(new String(request.getBody(), StandardCharsets.ISO_8859_1))
                    .doesNotEndWith("--\r\n");
        }
    }

    @Test
    void writeFilesAsync_whenExecdRefusesTheSize_failsWithFileTooLarge() {
        server.stubFor(post(PREFIX + "/files/upload")
                .willReturn(aResponse()
                        .withStatus(413)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Request-ID", "req-413")
                        .withBody("{\"code\":\"PAYLOAD_TOO_LARGE\",\"message\":\"body exceeds 1 MiB\"}")));

        assertThatThrownBy(() -> files.writeFilesAsync(List.of(WriteEntry.of("/w/a", "x")), WriteOptions.defaults())
                        .join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(FileTooLargeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(413);
                    assertThat(e.error().code()).isEqualTo("PAYLOAD_TOO_LARGE");
                    assertThat(e.error().message()).isEqualTo("body exceeds 1 MiB");
                    assertThat(e).hasMessageContaining("HTTP 413");
                    assertThat(e.requestId()).hasValue("req-413");
                });
    }

    @Test
    void invalidArguments_failBeforeAnyRequest() {
        assertThatThrownBy(() -> files.writeFile("relative/path", "x")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.writeFiles(List.of())).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.writeFiles(List.of(WriteEntry.of("/a", "1"), WriteEntry.of("/a", "2"))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.writeFile(WriteEntry.builder("/a")
                        .content("x")
                        .mode(FileMode.of("000"))
                        .build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("000");
        assertThatThrownBy(() -> files.writeFile(WriteEntry.of("/a", Path.of("/no/such/local/file"))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.readBytes("/a\tb")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.listDirectory("/a", 0)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.replaceContents(List.of(new Replacement("/a", "", "x"))))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> files.deleteFiles(List.of(" "))).isInstanceOf(InvalidArgumentException.class);
        assertThat(server.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ downloads

    @Test
    void readFile_encodesThePathSoSpecialCharactersSurvive() {
        String path = "/w/a b&c#d%e+f/ü.txt";
        String encoded = "%2Fw%2Fa%20b%26c%23d%25e%2Bf%2F%C3%BC.txt";
        server.stubFor(get(urlEqualTo(PREFIX + "/files/download?path=" + encoded))
                .willReturn(aResponse().withStatus(200).withBody("grüße".getBytes(StandardCharsets.UTF_8))));

        assertThat(files.readFile(path)).isEqualTo("grüße");
        assertThat(files.readFile(path, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String("grüße".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
        server.verify(2, getRequestedFor(urlEqualTo(PREFIX + "/files/download?path=" + encoded)));
    }

    @Test
    void readBytes_withRange_sendsRangeHeader_andAccepts206() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .withHeader("Range", equalTo("bytes=2-5"))
                .willReturn(aResponse()
                        .withStatus(206)
                        .withHeader("Content-Range", "bytes 2-5/10")
                        .withBody("cdef")));

        assertThat(files.readBytes("/w/f", ByteRange.of(2, 5))).isEqualTo("cdef".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readBytes_whenTheServerIgnoresTheRange_cutsTheRangeOutItself() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withStatus(200).withBody("abcdefghij")));

        assertThat(files.readBytes("/w/f", ByteRange.of(2, 5))).isEqualTo("cdef".getBytes(StandardCharsets.UTF_8));
        assertThat(files.readBytes("/w/f", ByteRange.from(7))).isEqualTo("hij".getBytes(StandardCharsets.UTF_8));
        assertThat(files.readBytes("/w/f", ByteRange.lastBytes(2))).isEqualTo("ij".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readBytes_withUnsatisfiableRange_failsWithRangeNotSatisfiable() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse()
                        .withStatus(416)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("Content-Range", "bytes */10")
                        .withBody("{\"code\":\"INVALID_RANGE\",\"message\":\"range not satisfiable\"}")));

        assertThatThrownBy(() -> files.readBytes("/w/f", ByteRange.from(50)))
                .isInstanceOfSatisfying(RangeNotSatisfiableException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.error().code()).isEqualTo("INVALID_RANGE");
                    assertThat(e.error().message()).contains("range not satisfiable");
                });
    }

    @Test
    void readFile_whenMissing_failsWithNotFound_carryingExecdsCode() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"FILE_NOT_FOUND\",\"message\":\"file not found: /w/missing\"}")));

        assertThatThrownBy(() -> files.readFile("/w/missing")).isInstanceOfSatisfying(NotFoundException.class, e -> {
            assertThat(e.error().code()).isEqualTo(FileErrorCodes.FILE_NOT_FOUND);
            assertThat(e.error().message()).contains("/w/missing");
        });
    }

    @Test
    void permissionDenied_isItsOwnException() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"RUNTIME_ERROR\",\"message\":\"open /root/x: permission denied\"}")));
        server.stubFor(delete(urlPathEqualTo(PREFIX + "/files"))
                .willReturn(aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":\"RUNTIME_ERROR\",\"message\":\"remove /etc/x: permission denied\"}")));

        assertThatThrownBy(() -> files.readBytes("/root/x"))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.error().code()).isEqualTo("RUNTIME_ERROR");
                });
        assertThatThrownBy(() -> files.deleteFiles(List.of("/etc/x")))
                .isInstanceOfSatisfying(
                        PermissionDeniedException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
    }

    @Test
    void download_toPath_streamsTheBody_andReportsProgressWithTotal(@TempDir Path dir) {
        byte[] content = new byte[1_000_000];
        new Random(2).nextBytes(content);
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withBody(content)));
        List<long[]> reports = Collections.synchronizedList(new ArrayList<>());
        Path target = dir.resolve("out.bin");

        long written = files.download(
                "/w/big.bin",
                target,
                ReadOptions.builder()
                        .listener((done, total) -> reports.add(new long[] {done, total}))
                        .build());

        assertThat(written).isEqualTo(content.length);
        assertThat(target).hasBinaryContent(content);
        assertThat(reports.get(reports.size() - 1)).containsExactly(1_000_000L, 1_000_000L);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(target);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void download_whenTheBodyBreaks_failsAndLeavesNoTargetFile(@TempDir Path dir) throws IOException {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        Path target = dir.resolve("out.bin");

        assertThatThrownBy(() -> files.download("/w/big.bin", target)).isInstanceOf(SandboxException.class);
        try (var listing = Files.list(dir)) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void downloadAsync_andStreams_deliverTheContent(@TempDir Path dir) throws IOException {
        byte[] content = "0123456789".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withBody(content)));

        Path target = dir.resolve("async.bin");
        assertThat(files.downloadAsync("/w/f", target, ReadOptions.defaults()).join())
                .isEqualTo(content.length);
        assertThat(target).hasBinaryContent(content);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(files.download("/w/f", out)).isEqualTo(content.length);
        assertThat(out.toByteArray()).isEqualTo(content);

        ByteArrayOutputStream asyncOut = new ByteArrayOutputStream();
        assertThat(files.downloadAsync("/w/f", asyncOut, ReadOptions.range(ByteRange.of(10, 19)))
                        .join())
                .isEqualTo(10);
        assertThat(asyncOut.toString(StandardCharsets.US_ASCII)).isEqualTo("0123456789");

        try (InputStream in = files.readStream("/w/f")) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    /** The shared transport, counting which way each exchange went; {@code blocking} false hides that capability. */
    private static final class CountingTransport implements Transport {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger onCaller = new AtomicInteger();
        private final boolean blocking;

        CountingTransport(boolean blocking) {
            this.blocking = blocking;
        }

        @Override
        public CompletableFuture<TransportResponse> send(TransportRequest request) {
            sent.incrementAndGet();
            return transport.send(request);
        }

        @Override
        public Optional<BlockingExchanges> blockingExchanges() {
            if (!blocking) {
                return Optional.empty();
            }
            return transport.blockingExchanges().map(exchanges -> (request, abort) -> {
                onCaller.incrementAndGet();
                return exchanges.exchange(request, abort);
            });
        }

        @Override
        public String name() {
            return transport.name();
        }

        @Override
        public void close() {}
    }

    @Test
    void blockingDownloads_runOnTheCallingThread_whenTheTransportCan_andThroughIoThreadsOtherwise(@TempDir Path dir)
            throws IOException {
        byte[] content = "0123456789".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withBody(content)));
        Endpoint endpoint = Endpoint.of("127.0.0.1:" + server.port() + PREFIX, Map.of(TOKEN_HEADER, "execd-token"));
        boolean capable = transport.blockingExchanges().isPresent();
        for (boolean offered : new boolean[] {true, false}) {
            CountingTransport counting = new CountingTransport(offered);
            SandboxFiles through = SandboxFiles.of(DirectHandle.of(
                    "sbx-1",
                    ConnectionConfig.builder()
                            .domain("127.0.0.1:1")
                            .transport(counting)
                            .build(),
                    Map.of(SandboxHandle.EXECD_PORT, endpoint)));

            try (InputStream in = through.readStream("/w/f")) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(through.download("/w/f", out)).isEqualTo(content.length);
            assertThat(out.toByteArray()).isEqualTo(content);
            assertThat(through.download("/w/f", dir.resolve("f" + offered))).isEqualTo(content.length);
            assertThat(dir.resolve("f" + offered)).hasBinaryContent(content);
            int blocking = offered && capable ? 3 : 0;
            assertThat(counting.onCaller).as("exchanges on the calling thread").hasValue(blocking);
            assertThat(counting.sent).as("exchanges through send").hasValue(3 - blocking);

            // an asynchronous download holds no caller thread: it always goes through send
            assertThat(through.downloadAsync("/w/f", new ByteArrayOutputStream(), ReadOptions.defaults())
                            .join())
                    .isEqualTo(content.length);
            assertThat(counting.sent).hasValue(4 - blocking);
        }
    }

    @Test
    void download_slowerThanTheRequestTimeout_isNotCut() {
        byte[] content = new byte[60_000];
        new Random(3).nextBytes(content);
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .withQueryParam("path", equalTo("/w/warm"))
                .willReturn(aResponse().withBody("warm")));
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .withQueryParam("path", equalTo("/w/slow"))
                .willReturn(aResponse().withBody(content).withChunkedDribbleDelay(6, 3000)));
        files = filesWithTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(IDLE_SECONDS));
        assertThat(files.readFile("/w/warm")).isEqualTo("warm"); // warm up connection and server first

        assertThat(files.readBytes("/w/slow")).isEqualTo(content);
    }

    @Test
    void download_pastItsTimeLimit_failsWithTimeout() {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withBody("late").withFixedDelay(5000)));

        assertThatThrownBy(() -> files.readBytes(
                        "/w/f",
                        ReadOptions.builder().timeout(Duration.ofMillis(300)).build()))
                .isInstanceOf(SandboxTimeoutException.class)
                .hasMessageContaining("time limit");
    }

    @Test
    void upload_pastItsTimeLimit_failsWithTimeout() {
        server.stubFor(post(PREFIX + "/files/upload")
                .willReturn(aResponse().withStatus(200).withFixedDelay(5000)));

        assertThatThrownBy(() -> files.writeFiles(
                        List.of(WriteEntry.of("/w/a", "x")),
                        WriteOptions.builder().timeout(Duration.ofMillis(300)).build()))
                .isInstanceOf(SandboxTimeoutException.class)
                .hasMessageContaining("time limit");
    }

    @Test
    void downloadAsync_cancelledMidWay_abortsAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        server.stubFor(get(urlPathEqualTo(PREFIX + "/files/download"))
                .willReturn(aResponse().withBody(new byte[200_000]).withChunkedDribbleDelay(20, 10_000)));
        CountDownLatch started = new CountDownLatch(1);
        Path target = dir.resolve("cancelled.bin");

        CompletableFuture<Long> download = files.downloadAsync(
                "/w/slow",
                target,
                ReadOptions.builder()
                        .listener((done, total) -> started.countDown())
                        .build());
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(download.cancel(true)).isTrue();

        // the worker notices the abort, deletes its temporary file and ends; bounded wait
        for (int i = 0; i < 100 && directoryHasFiles(dir); i++) {
            Thread.sleep(50);
        }
        assertThat(directoryHasFiles(dir)).isFalse();
        assertThat(target).doesNotExist();
    }

    private static boolean directoryHasFiles(Path dir) throws IOException {
        try (var listing = Files.list(dir)) {
            return listing.findAny().isPresent();
        }
    }

    private SandboxFiles filesWithTimeouts(Duration requestTimeout, Duration idleTimeout) {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("127.0.0.1:1")
                .requestTimeout(requestTimeout)
                .streamIdleTimeout(idleTimeout)
                .retryPolicy(RetryPolicy.disabled())
                .build();
        Endpoint endpoint = Endpoint.of("127.0.0.1:" + server.port() + PREFIX, Map.of());
        return SandboxFiles.of(handle(config, endpoint));
    }

    // ------------------------------------------------------------------------------------------------ metadata

    @Test
    void getFileInfo_repeatsThePathParameter_andParsesExecdsFields() {
        server.stubFor(get(urlEqualTo(PREFIX + "/files/info?path=%2Fw%2Fa.txt&path=%2Fw%2Fb%20c"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"/w/a.txt\":" + FILE_INFO_JSON + ",\"/w/b c\":"
                                + FILE_INFO_JSON.replace("/w/a.txt", "/w/b c").replace("\"file\"", "\"weird\"")
                                + "}")));

        Map<String, FileInfo> infos = files.getFileInfo(List.of("/w/a.txt", "/w/b c"));

        assertThat(infos).containsOnlyKeys("/w/a.txt", "/w/b c");
        FileInfo a = infos.get("/w/a.txt");
        assertThat(a.type()).isEqualTo(FileType.FILE);
        assertThat(a.size()).isEqualTo(12);
        assertThat(a.mode()).isEqualTo(FileMode.of("644"));
        assertThat(a.owner()).isEqualTo("admin");
        assertThat(a.group()).isEqualTo("staff");
        assertThat(a.permissions())
                .isEqualTo(Permissions.builder()
                        .owner("admin")
                        .group("staff")
                        .mode(FileMode.of("644"))
                        .build());
        assertThat(a.modifiedAt()).isEqualTo(Instant.parse("2025-11-16T06:30:45.123456789Z"));
        assertThat(infos.get("/w/b c").type()).isEqualTo(FileType.UNKNOWN);
    }

    @Test
    void searchAndListDirectory_sendTheirQueryParameters() {
        server.stubFor(get(urlEqualTo(PREFIX + "/files/search?path=%2Fw&pattern=%2A%2A%2F%2A.py"))
                .willReturn(aResponse().withBody("[" + FILE_INFO_JSON + "]")));
        server.stubFor(get(urlEqualTo(PREFIX + "/directories/list?path=%2Fw&depth=3"))
                .willReturn(aResponse().withBody("[" + FILE_INFO_JSON + "," + FILE_INFO_JSON + "]")));

        assertThat(files.search("/w", "**/*.py")).extracting(FileInfo::path).containsExactly("/w/a.txt");
        assertThat(files.listDirectory("/w", 3)).hasSize(2);
    }

    // ------------------------------------------------------------------------------------------------ changes

    @Test
    void changes_sendExecdsJsonBodies() {
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));

        files.createDirectories("/w/new dir");
        files.setPermissions(
                "/w/run.sh",
                Permissions.builder()
                        .owner("admin")
                        .mode(FileMode.ofOctal(0750))
                        .build());
        files.moveFiles(List.of(new MoveEntry("/w/a", "/w/b"), new MoveEntry("/w/c", "/w/d")));
        files.deleteDirectories(List.of("/w/tmp", "/w/x&y"));

        server.verify(postRequestedFor(urlEqualTo(PREFIX + "/directories"))
                .withRequestBody(equalToJson("{\"/w/new dir\":{\"mode\":755}}")));
        server.verify(postRequestedFor(urlEqualTo(PREFIX + "/files/permissions"))
                .withRequestBody(equalToJson("{\"/w/run.sh\":{\"owner\":\"admin\",\"mode\":750}}")));
        server.verify(postRequestedFor(urlEqualTo(PREFIX + "/files/mv"))
                .withRequestBody(
                        equalToJson("[{\"src\":\"/w/a\",\"dest\":\"/w/b\"},{\"src\":\"/w/c\",\"dest\":\"/w/d\"}]")));
        server.verify(deleteRequestedFor(urlEqualTo(PREFIX + "/directories?path=%2Fw%2Ftmp&path=%2Fw%2Fx%26y")));
    }

    @Test
    void replaceContentsDetailed_asksForVerboseCounts() {
        server.stubFor(post(urlEqualTo(PREFIX + "/files/replace?verbose=true"))
                .withRequestBody(equalToJson("{\"/w/a\":{\"old\":\"localhost\",\"new\":\"0.0.0.0\"}}"))
                .willReturn(aResponse().withBody("{\"/w/a\":{\"replacedCount\":3}}")));
        server.stubFor(post(urlEqualTo(PREFIX + "/files/replace"))
                .willReturn(aResponse().withStatus(200)));

        assertThat(files.replaceContentsDetailed(List.of(new Replacement("/w/a", "localhost", "0.0.0.0"))))
                .containsExactly(Map.entry("/w/a", 3));
        files.replaceContents(List.of(new Replacement("/w/a", "x", "")));
        server.verify(postRequestedFor(urlEqualTo(PREFIX + "/files/replace"))
                .withRequestBody(equalToJson("{\"/w/a\":{\"old\":\"x\",\"new\":\"\"}}")));
    }
}
