package io.opensandbox.transport.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.RequestNotSentException;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport compatibility kit: the behaviour every {@link Transport} must show, run against a real HTTP server on
 * 127.0.0.1. A transport's test extends this class and implements {@link #createTransport}.
 *
 * <p>The checks are about behaviour, never about elapsed time: backpressure is shown by a server whose writes stop
 * well short of the body, aborts by a server that sees its connection closed, bounded memory by heap samples during
 * gigabyte transfers. Run it with a small heap ({@code -Xmx256m}) so that a transport that buffers a body fails.
 */
// test-kit code: not null-checked (its fields are set by JUnit callbacks and Flow.onSubscribe)
@NullUnmarked
public abstract class TransportCompatibilityKit {
    /** For subclasses: a transport's test. */
    protected TransportCompatibilityKit() {}

    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    private static final long MIB = 1024 * 1024;

    /** The transport under test, made fresh for each test and closed after it. */
    protected Transport transport;

    private final List<TestServer> servers = new ArrayList<>();

    /**
     * Creates the transport under test.
     *
     * @param options the settings
     * @return a new transport
     */
    protected abstract Transport createTransport(TransportOptions options);

    /**
     * The options each test's transport is made with: a 5 s connect timeout and 256 connections (more than the 200
     * concurrent exchanges of {@link #manyConcurrentStreams_allCompleteCorrectly}).
     *
     * @return the options
     */
    protected TransportOptions options() {
        return new TransportOptions(Duration.ofSeconds(5), 256, "opensandbox-tck/1.0");
    }

    /**
     * The size of the large transfers up and down; 1 GiB.
     *
     * @return bytes
     */
    protected long largeTransferBytes() {
        return 1024 * MIB;
    }

    @BeforeEach
    void createTransportUnderTest() {
        transport = createTransport(options());
    }

    @AfterEach
    void closeEverything() {
        if (transport != null) {
            transport.close();
        }
        servers.forEach(TestServer::close);
    }

    /**
     * Starts a loopback server closed after the test.
     *
     * @param handler the handler
     * @return the server
     * @throws IOException if it cannot start
     */
    protected TestServer server(TestServer.Handler handler) throws IOException {
        TestServer server = TestServer.start(handler);
        servers.add(server);
        return server;
    }

    // ---- 1, 2: ordinary exchanges ----

    @Test
    @Timeout(30)
    void jsonExchanges_everyMethod_carryMethodPathQueryHeadersAndBodyExactly() throws Exception {
        BlockingQueue<Map<String, Object>> seen = new LinkedBlockingQueue<>();
        TestServer server = server((request, response) -> {
            byte[] body = request.readBody();
            seen.add(Map.of(
                    "method", request.method(),
                    "path", request.path(),
                    "query", request.query(),
                    "multi", request.headers("X-Multi"),
                    "contentType", String.valueOf(request.header("Content-Type")),
                    "userAgent", String.valueOf(request.header("User-Agent")),
                    "body", body));
            response.send(
                    200,
                    Map.of(
                            "Content-Type", List.of("application/json"),
                            "X-Request-Id", List.of("req-" + request.method()),
                            "X-Multi", List.of("a", "b")),
                    body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        });
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            byte[] json = ("{\"method\":\"" + method + "\",\"text\":\"caf\u00e9 \u2603\",\"n\":[1,2,3]}")
                    .getBytes(StandardCharsets.UTF_8);
            TransportRequest.Builder builder = TransportRequest.newBuilder(
                            method, server.uri("/v1/things/42?a=1&b=x%20y"))
                    .header("X-Multi", "one")
                    .header("X-Multi", "two")
                    .header("Accept", "application/json");
            boolean hasBody = !method.equals("GET");
            if (hasBody) {
                builder.body(RequestBody.ofBytes(json, "application/json"));
            }
            try (TransportResponse response = await(transport.send(builder.build()))) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.header("x-request-id")).contains("req-" + method);
                assertThat(response.header("X-REQUEST-ID")).contains("req-" + method);
                assertThat(response.headers().get("x-multi")).containsExactly("a", "b");
                assertThatThrownBy(() -> response.headers().put("x", List.of()))
                        .isInstanceOf(UnsupportedOperationException.class);
                byte[] received = readAll(response);
                assertThat(received).isEqualTo(hasBody ? json : "{}".getBytes(StandardCharsets.UTF_8));
            }
            Map<String, Object> request = seen.poll(10, TimeUnit.SECONDS);
            assertThat(request).as("server saw the %s request", method).isNotNull();
            assertThat(request.get("method")).isEqualTo(method);
            assertThat(request.get("path")).isEqualTo("/v1/things/42");
            assertThat(request.get("query")).isEqualTo("a=1&b=x%20y");
            assertThat(request.get("multi")).isEqualTo(List.of("one", "two"));
            assertThat(request.get("userAgent"))
                    .as("the default User-Agent")
                    .isEqualTo(options().userAgent());
            assertThat((byte[]) request.get("body")).isEqualTo(hasBody ? json : new byte[0]);
            if (hasBody) {
                assertThat(request.get("contentType")).isEqualTo("application/json");
            }
        }
    }

    @Test
    @Timeout(30)
    void statusCodes_204And404_areReportedWithTheirBodies() throws Exception {
        TestServer server = server((request, response) -> {
            request.readBody();
            switch (request.path()) {
                case "/none" -> response.send(204, Map.of("X-Request-Id", List.of("r204")), new byte[0]);
                case "/missing" ->
                    response.send(404, JSON, "{\"code\":\"NOT_FOUND\"}".getBytes(StandardCharsets.UTF_8));
                default -> response.send(500, JSON, "{}".getBytes(StandardCharsets.UTF_8));
            }
        });
        try (TransportResponse response = await(transport.send(get(server.uri("/none"))))) {
            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(response.header("x-request-id")).contains("r204");
            assertThat(readAll(response)).isEmpty();
        }
        try (TransportResponse response = await(transport.send(get(server.uri("/missing"))))) {
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(new String(readAll(response), StandardCharsets.UTF_8)).isEqualTo("{\"code\":\"NOT_FOUND\"}");
        }
        // pooled connections are reused after error statuses; a connection may reach the pool a moment after its
        // body ended, so a busy machine can open a second one, but never one per exchange
        for (int i = 0; i < 8; i++) {
            try (TransportResponse response = await(transport.send(get(server.uri("/none"))))) {
                assertThat(response.statusCode()).isEqualTo(204);
                readAll(response);
            }
        }
        assertThat(server.connectionsAccepted())
                .as("connections opened for 10 sequential exchanges")
                .isLessThanOrEqualTo(3);
    }

    @Test
    @Timeout(30)
    void delete_withJsonBody_arrivesIntact() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            seen.complete(request.method() + " " + request.path() + " " + request.header("Content-Type") + " "
                    + new String(request.readBody(), StandardCharsets.UTF_8));
            response.send(204, Map.of(), new byte[0]);
        });
        String json = "{\"egress\":[{\"action\":\"deny\",\"target\":\"example.com\"}]}";
        TransportRequest request = TransportRequest.newBuilder("DELETE", server.uri("/egress/rules"))
                .body(RequestBody.ofBytes(json.getBytes(StandardCharsets.UTF_8), "application/json"))
                .build();
        try (TransportResponse response = await(transport.send(request))) {
            assertThat(response.statusCode()).isEqualTo(204);
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("DELETE /egress/rules application/json " + json);
    }

    @Test
    @Timeout(30)
    void streamedUpload_withKnownLength_isSentWithContentLength() throws Exception {
        long size = 8 * MIB + 123;
        CompletableFuture<String> seen = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            CRC32 crc = new CRC32();
            long count = drain(request.body(), crc);
            seen.complete(request.header("Content-Length") + " " + request.header("Transfer-Encoding") + " " + count
                    + " " + crc.getValue());
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        Pattern.Publisher body = new Pattern.Publisher(size);
        TransportRequest request = TransportRequest.newBuilder("PUT", server.uri("/upload"))
                .body(RequestBody.ofPublisher(body, size, "application/octet-stream"))
                .build();
        try (TransportResponse response = await(transport.send(request))) {
            assertThat(response.statusCode()).isEqualTo(200);
            readAll(response);
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(size + " null " + size + " " + body.crc());
        assertThat(body.subscriptions()).isEqualTo(1);
    }

    // ---- 3: large transfers with bounded memory ----

    @Test
    @Timeout(180)
    void largeDownload_streamsWithBoundedHeap() throws Exception {
        long size = largeTransferBytes();
        CompletableFuture<Long> serverCrc = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            CRC32 crc = new CRC32();
            try (OutputStream out = response.stream(200, Map.of(), size)) {
                Pattern.write(out, size, 0, crc, n -> {});
            }
            serverCrc.complete(crc.getValue());
        });
        HeapProbe heap = new HeapProbe();
        long start = System.nanoTime();
        CRC32 crc = new CRC32();
        long received = 0;
        try (TransportResponse response = await(transport.send(get(server.uri("/large"))));
                PublisherInputStream in = PublisherInputStream.of(response.body(), Duration.ofSeconds(30))) {
            assertThat(response.statusCode()).isEqualTo(200);
            byte[] buffer = new byte[64 * 1024];
            long nextSample = 0;
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                crc.update(buffer, 0, n);
                received += n;
                if (received >= nextSample) {
                    heap.sample();
                    nextSample += 64 * MIB;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "[tck] %s: downloaded %d MiB in %.1f s (%.0f MiB/s), %s%n",
                transport.name(), received / MIB, seconds, received / (double) MIB / seconds, heap.describe());
        assertThat(received).isEqualTo(size);
        assertThat(crc.getValue()).isEqualTo(serverCrc.get(10, TimeUnit.SECONDS));
        assertThat(heap.maxGrowth()).isLessThan(128 * MIB);
    }

    @Test
    @Timeout(180)
    void largeUpload_ofUnknownLength_streamsChunkedWithBoundedHeap() throws Exception {
        long size = largeTransferBytes();
        CompletableFuture<String> seen = new CompletableFuture<>();
        HeapProbe heap = new HeapProbe();
        TestServer server = server((request, response) -> {
            CRC32 crc = new CRC32();
            InputStream in = request.body();
            byte[] buffer = new byte[64 * 1024];
            long count = 0;
            long nextSample = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                crc.update(buffer, 0, n);
                count += n;
                if (count >= nextSample) {
                    heap.sample();
                    nextSample += 64 * MIB;
                }
            }
            seen.complete(request.header("Transfer-Encoding") + " " + count + " " + crc.getValue());
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        Pattern.Publisher body = new Pattern.Publisher(size);
        TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/upload"))
                .body(RequestBody.ofPublisher(body, -1, "application/octet-stream"))
                .timeout(Duration.ofMinutes(3))
                .build();
        long start = System.nanoTime();
        try (TransportResponse response = await(transport.send(request), Duration.ofMinutes(3))) {
            assertThat(response.statusCode()).isEqualTo(200);
            readAll(response);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "[tck] %s: uploaded %d MiB in %.1f s (%.0f MiB/s), %s%n",
                transport.name(), size / MIB, seconds, size / (double) MIB / seconds, heap.describe());
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("chunked " + size + " " + body.crc());
        assertThat(heap.maxGrowth()).isLessThan(128 * MIB);
    }

    // ---- 3b: buffer release (optional for a transport, never unsafe) ----

    /**
     * Whether the transport gives written request buffers back ({@link RequestBody#releaseBuffer}); a transport
     * that says so must release every buffer it wrote, which the upload test then checks.
     *
     * @return whether request buffers are released
     */
    protected boolean releasesRequestBuffers() {
        return false;
    }

    /**
     * Whether the transport fills released response buffers again ({@link TransportResponse#releaseBuffer}); a
     * transport that says so must move a large body through far fewer buffer objects than it delivers.
     *
     * @return whether response buffers are reused
     */
    protected boolean reusesResponseBuffers() {
        return false;
    }

    @Test
    @Timeout(60)
    void upload_whosePublisherRefillsReleasedBuffersAtOnce_arrivesIntact() throws Exception {
        long size = 32 * MIB + 7;
        CompletableFuture<String> seen = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            CRC32 crc = new CRC32();
            long count = drain(request.body(), crc);
            seen.complete(count + " " + crc.getValue());
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        RecyclingPublisher body = new RecyclingPublisher(size);
        TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/upload"))
                .body(RequestBody.ofPublisher(body, size, "application/octet-stream")
                        .withBufferRelease(body::release))
                .build();
        try (TransportResponse response = await(transport.send(request))) {
            assertThat(response.statusCode()).isEqualTo(200);
            readAll(response);
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(size + " " + body.crc());
        assertThat(body.wrongReleases())
                .as("releases of buffers that were not out")
                .isZero();
        System.out.printf(
                "[tck] %s: upload of %d buffers released %d, allocated %d%n",
                transport.name(), body.delivered(), body.released(), body.allocated());
        if (releasesRequestBuffers()) {
            assertThat(body.released()).isEqualTo(body.delivered());
            assertThat(body.allocated()).isLessThan(body.delivered() / 10);
        }
    }

    @Test
    @Timeout(60)
    void download_whoseReaderOverwritesAndReleasesItsBuffers_arrivesIntact() throws Exception {
        long size = 64 * MIB + 11;
        CompletableFuture<Long> serverCrc = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            CRC32 crc = new CRC32();
            try (OutputStream out = response.stream(200, Map.of(), size)) {
                Pattern.write(out, size, 3, crc, n -> {});
            }
            serverCrc.complete(crc.getValue());
        });
        RecyclingReader reader;
        try (TransportResponse response = await(transport.send(get(server.uri("/large"))))) {
            RecyclingReader subscriber = new RecyclingReader(response);
            response.body().subscribe(subscriber);
            reader = subscriber.done().get(30, TimeUnit.SECONDS);
        }
        assertThat(reader.bytes()).isEqualTo(size);
        assertThat(reader.crc()).isEqualTo(serverCrc.get(10, TimeUnit.SECONDS));
        assertThat(reader.violations())
                .as("buffers delivered while the reader held them")
                .isZero();
        System.out.printf(
                "[tck] %s: download of %d buffers used %d distinct buffer objects%n",
                transport.name(), reader.buffers(), reader.distinctBuffers());
        if (reusesResponseBuffers()) {
            assertThat(reader.distinctBuffers()).isLessThan(reader.buffers() / 10);
        }
    }

    // ---- 4: backpressure ----

    @Test
    @Timeout(60)
    void slowSubscriber_stallsTheServer_insteadOfBuffering() throws Exception {
        long size = 512 * MIB;
        AtomicLong written = new AtomicLong();
        CountDownLatch serverDone = new CountDownLatch(1);
        TestServer server = server((request, response) -> {
            try (OutputStream out = response.stream(200, Map.of(), size)) {
                Pattern.write(out, size, 0, new CRC32(), written::set);
            } finally {
                serverDone.countDown();
            }
        });
        TransportResponse response = await(transport.send(get(server.uri("/stall"))));
        BodyCollector collector = new BodyCollector(4, false);
        response.body().subscribe(collector);
        long stalledAt = awaitStable(written, Duration.ofSeconds(20));
        System.out.printf(
                "[tck] %s: server stalled after %d KiB; subscriber got %d buffers%n",
                transport.name(), stalledAt / 1024, collector.buffers());
        assertThat(stalledAt)
                .as("bytes the server could write to a stalled reader")
                .isLessThan(32 * MIB);
        assertThat(collector.buffers()).isLessThanOrEqualTo(4);
        assertThat(collector.violation()).isNull();
        assertThat(collector.done()).isNotDone();
        collector.cancel();
        assertThat(serverDone.await(10, TimeUnit.SECONDS))
                .as("the server's write failed after the cancel")
                .isTrue();
        assertThat(written.get()).isLessThan(size);
    }

    // ---- 5: cancellation ----

    @Test
    @Timeout(60)
    void cancellingTheBody_closesTheConnection_andTheTransportStaysUsable() throws Exception {
        long size = 1024 * MIB;
        AtomicLong written = new AtomicLong();
        CompletableFuture<Throwable> serverFailure = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            if (request.path().equals("/small")) {
                response.send(200, JSON, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            try (OutputStream out = response.stream(200, Map.of(), size)) {
                Pattern.write(out, size, 0, new CRC32(), written::set);
                serverFailure.complete(null);
            } catch (IOException e) {
                serverFailure.complete(e);
            }
        });
        TransportResponse response = await(transport.send(get(server.uri("/big"))));
        BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
        response.body().subscribe(collector);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (collector.bytes() < MIB && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(collector.bytes()).isGreaterThanOrEqualTo(MIB);
        collector.cancel();
        assertThat(serverFailure.get(10, TimeUnit.SECONDS))
                .as("the server saw its connection closed")
                .isInstanceOf(IOException.class);
        assertThat(collector.done()).isNotDone(); // no signal after cancel
        response.close(); // no-op after cancel
        try (TransportResponse again = await(transport.send(get(server.uri("/small"))))) {
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(new String(readAll(again), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
        }
        assertThat(server.connectionsAccepted())
                .as("the aborted connection was not reused")
                .isEqualTo(2);
    }

    @Test
    @Timeout(60)
    void cancellingTheSendFuture_beforeHeaders_abortsTheExchange() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CompletableFuture<Boolean> disconnected = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            request.readBody();
            received.countDown();
            disconnected.complete(request.awaitDisconnect(Duration.ofSeconds(20)));
        });
        CompletableFuture<TransportResponse> future =
                transport.send(TransportRequest.newBuilder("POST", server.uri("/hang"))
                        .body(RequestBody.ofBytes("{}".getBytes(StandardCharsets.UTF_8), "application/json"))
                        .build());
        assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
        future.cancel(true);
        assertThat(future).isCancelled();
        assertThat(disconnected.get(30, TimeUnit.SECONDS))
                .as("the server saw the connection closed")
                .isTrue();
    }

    @Test
    @Timeout(60)
    void closingTheResponse_beforeTheBodyEnds_abortsAndIsIdempotent() throws Exception {
        CompletableFuture<Throwable> serverFailure = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            try (OutputStream out = response.stream(200, Map.of(), 1024 * MIB)) {
                Pattern.write(out, 1024 * MIB, 0, new CRC32(), n -> {});
                serverFailure.complete(null);
            } catch (IOException e) {
                serverFailure.complete(e);
            }
        });
        TransportResponse response = await(transport.send(get(server.uri("/big"))));
        response.close();
        response.close();
        assertThat(serverFailure.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        BodyCollector late = new BodyCollector(Long.MAX_VALUE, false);
        response.body().subscribe(late);
        assertThat(failure(late.done())).isInstanceOf(IOException.class);
    }

    @Test
    @Timeout(30)
    void body_acceptsOneSubscriberOnly() throws Exception {
        TestServer server =
                server((request, response) -> response.send(200, JSON, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        try (TransportResponse response = await(transport.send(get(server.uri("/one"))))) {
            BodyCollector first = new BodyCollector(Long.MAX_VALUE, true);
            response.body().subscribe(first);
            BodyCollector second = new BodyCollector(Long.MAX_VALUE, true);
            response.body().subscribe(second);
            assertThat(failure(second.done())).isInstanceOf(IllegalStateException.class);
            first.done().get(10, TimeUnit.SECONDS);
            assertThat(new String(first.kept(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        }
    }

    // ---- 6: timeouts ----

    @Test
    @Timeout(60)
    void slowHeaders_failWithSocketTimeout_andAbort() throws Exception {
        CompletableFuture<Boolean> disconnected = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            if (warmUp(request, response)) {
                return;
            }
            request.readBody();
            disconnected.complete(request.awaitDisconnect(Duration.ofSeconds(30)));
        });
        warmUp(server); // a pooled connection: the slow request reaches the server at once
        TransportRequest request = TransportRequest.newBuilder("GET", server.uri("/slow-headers"))
                .timeout(Duration.ofSeconds(1))
                .build();
        CompletableFuture<TransportResponse> future = transport.send(request);
        Throwable failure = failure(future); // the server would hang for 30 s: this is the transport's timeout
        assertThat(failure).isInstanceOf(SocketTimeoutException.class);
        assertThat(disconnected.get(30, TimeUnit.SECONDS))
                .as("the server saw the connection closed")
                .isTrue();
    }

    @Test
    @Timeout(60)
    void slowButFlowingBody_outlastsTheRequestTimeout() throws Exception {
        int pieces = 12;
        TestServer server = server((request, response) -> {
            if (warmUp(request, response)) {
                return;
            }
            try (OutputStream out = response.stream(200, Map.of(), -1)) {
                for (int i = 0; i < pieces; i++) {
                    out.write(("piece " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(200);
                }
            }
        });
        warmUp(server);
        TransportRequest request = TransportRequest.newBuilder("GET", server.uri("/trickle"))
                .timeout(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofSeconds(5))
                .build();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            expected.append("piece ").append(i).append('\n');
        }
        try (TransportResponse response = await(transport.send(request))) {
            // 12 pieces 200 ms apart take longer than the 1 s request timeout; the body must not be cut
            assertThat(new String(readAll(response), StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        }
    }

    @Test
    @Timeout(60)
    void stalledBody_whileTheSubscriberWaits_failsWithSocketTimeout() throws Exception {
        CompletableFuture<Boolean> disconnected = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            OutputStream out = response.stream(200, Map.of(), 1_000_000);
            out.write(new byte[1000]);
            out.flush();
            disconnected.complete(request.awaitDisconnect(Duration.ofSeconds(30)));
        });
        TransportRequest request = TransportRequest.newBuilder("GET", server.uri("/stall"))
                .idleTimeout(Duration.ofSeconds(1))
                .build();
        TransportResponse response = await(transport.send(request));
        BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
        response.body().subscribe(collector);
        assertThat(failure(collector.done())).isInstanceOf(SocketTimeoutException.class);
        assertThat(collector.bytes()).isEqualTo(1000);
        assertThat(collector.violation()).isNull();
        assertThat(disconnected.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @Timeout(60)
    void subscriberThatRequestsNothing_isNotTimedOut() throws Exception {
        long size = 4 * MIB;
        TestServer server = server((request, response) -> {
            if (warmUp(request, response)) {
                return;
            }
            try (OutputStream out = response.stream(200, Map.of(), size)) {
                Pattern.write(out, size, 3, new CRC32(), n -> {});
            }
        });
        warmUp(server);
        TransportRequest request = TransportRequest.newBuilder("GET", server.uri("/patient"))
                .idleTimeout(Duration.ofMillis(300))
                .timeout(Duration.ofSeconds(1))
                .build();
        TransportResponse response = await(transport.send(request));
        BodyCollector collector = new BodyCollector(0, false);
        response.body().subscribe(collector);
        Thread.sleep(1500); // five idle timeouts (and the request timeout) without demand
        assertThat(collector.done()).isNotDone();
        collector.request(1);
        Thread.sleep(1500); // and again after one buffer
        assertThat(collector.done()).isNotDone();
        collector.request(Long.MAX_VALUE);
        collector.done().get(30, TimeUnit.SECONDS);
        assertThat(collector.bytes()).isEqualTo(size);
        assertThat(collector.crc()).isEqualTo(Pattern.crc(size, 3));
        assertThat(collector.violation()).isNull();
    }

    @Test
    @Timeout(60)
    void subscriberThatStopsRequesting_afterDrainingAllThatArrived_isNotTimedOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestServer server = server((request, response) -> {
            try (OutputStream out = response.stream(200, Map.of(), 2000)) {
                out.write(new byte[1000]);
                out.flush();
                if (!release.await(20, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
                out.write(new byte[1000]);
            }
        });
        TransportRequest request = TransportRequest.newBuilder("GET", server.uri("/pause"))
                .idleTimeout(Duration.ofMillis(500))
                .build();
        TransportResponse response = await(transport.send(request));
        BodyCollector collector = new BodyCollector(1, false);
        response.body().subscribe(collector);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (collector.buffers() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(collector.buffers()).isEqualTo(1);
        Thread.sleep(2000); // the server is silent, but the subscriber asks for nothing: no timeout
        assertThat(collector.done()).isNotDone();
        release.countDown();
        collector.request(Long.MAX_VALUE);
        collector.done().get(20, TimeUnit.SECONDS);
        assertThat(collector.bytes()).isEqualTo(2000);
        assertThat(collector.violation()).isNull();
    }

    @Test
    @Timeout(60)
    void upload_thatTheServerStopsReading_failsWithSocketTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong read = new AtomicLong();
        TestServer server = server((request, response) -> {
            byte[] buffer = new byte[64 * 1024];
            InputStream in = request.body();
            int n;
            while (read.get() < MIB && (n = in.read(buffer)) >= 0) {
                read.addAndGet(n);
            }
            release.await(30, TimeUnit.SECONDS); // stop reading: the client's writes stall
        });
        TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/upload"))
                .body(RequestBody.ofPublisher(new Pattern.Publisher(1024 * MIB), -1, "application/octet-stream"))
                .timeout(Duration.ofSeconds(50))
                .idleTimeout(Duration.ofMillis(300))
                .build();
        try {
            assertThat(failure(transport.send(request))).isInstanceOf(SocketTimeoutException.class);
            assertThat(read.get()).isGreaterThanOrEqualTo(MIB);
        } finally {
            release.countDown();
        }
    }

    @Test
    @Timeout(60)
    void slowButFlowingUpload_outlastsTheRequestTimeout() throws Exception {
        CompletableFuture<Long> received = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            received.complete((long) request.readBody().length);
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        int chunks = 12;
        java.util.concurrent.ScheduledExecutorService ticks =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            Flow.Publisher<ByteBuffer> slow = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                private int sent;
                private long demand;
                private boolean scheduled;

                @Override
                public synchronized void request(long n) {
                    demand += n;
                    next();
                }

                private synchronized void next() {
                    if (scheduled || demand == 0) {
                        return;
                    }
                    scheduled = true;
                    java.util.concurrent.Future<?> unused = ticks.schedule(this::emit, 100, TimeUnit.MILLISECONDS);
                }

                private void emit() {
                    boolean last;
                    synchronized (this) {
                        scheduled = false;
                        demand--;
                        sent++;
                        last = sent == chunks;
                    }
                    subscriber.onNext(ByteBuffer.wrap(new byte[1000]));
                    if (last) {
                        subscriber.onComplete();
                    } else {
                        next();
                    }
                }

                @Override
                public void cancel() {}
            });
            TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/slow-upload"))
                    .body(RequestBody.ofPublisher(slow, -1, "application/octet-stream"))
                    .timeout(Duration.ofMillis(400))
                    .idleTimeout(Duration.ofSeconds(5))
                    .build();
            try (TransportResponse response = await(transport.send(request), Duration.ofSeconds(30))) {
                assertThat(response.statusCode())
                        .as("an upload of ~1.2 s must not be cut by a 400 ms request timeout")
                        .isEqualTo(200);
                readAll(response);
            }
            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(chunks * 1000L);
        } finally {
            ticks.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void upload_whosePublisherStalls_failsWithSocketTimeout() throws Exception {
        CompletableFuture<Throwable> serverSide = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            try {
                request.readBody();
                serverSide.complete(null);
            } catch (IOException e) {
                serverSide.complete(e);
            }
        });
        Flow.Publisher<ByteBuffer> stalling = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public synchronized void request(long n) {
                if (!sent) {
                    sent = true;
                    subscriber.onNext(ByteBuffer.wrap(new byte[1024]));
                }
            }

            @Override
            public void cancel() {}
        });
        TransportRequest request = TransportRequest.newBuilder("PUT", server.uri("/upload"))
                .body(RequestBody.ofPublisher(stalling, -1, "application/octet-stream"))
                .timeout(Duration.ofSeconds(50))
                .idleTimeout(Duration.ofMillis(300))
                .build();
        assertThat(failure(transport.send(request))).isInstanceOf(SocketTimeoutException.class);
        assertThat(serverSide.get(20, TimeUnit.SECONDS))
                .as("the server saw a broken body")
                .isInstanceOf(IOException.class);
    }

    // ---- 7: failures ----

    @Test
    @Timeout(30)
    void connectionRefused_failsWithConnectException() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = probe.getLocalPort();
        }
        Throwable failure = failure(transport.send(get(URI.create("http://127.0.0.1:" + port + "/nobody"))));
        assertThat(failure).isInstanceOfAny(ConnectException.class, RequestNotSentException.class);
    }

    @Test
    @Timeout(30)
    void truncatedBody_failsWithIOException_neverCompletes() throws Exception {
        TestServer server = server((request, response) -> {
            request.readBody();
            if (request.path().equals("/length")) {
                response.raw(("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(100_000))
                        .getBytes(StandardCharsets.ISO_8859_1));
            } else {
                response.raw(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "400\r\n" + "y".repeat(1024)
                                + "\r\n" + "400\r\n" + "y".repeat(100))
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
        });
        for (String path : List.of("/length", "/chunked")) {
            TransportResponse response = await(transport.send(get(server.uri(path))));
            BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
            response.body().subscribe(collector);
            assertThat(failure(collector.done())).as(path).isInstanceOf(IOException.class);
            assertThat(collector.bytes()).as(path).isLessThan(100_001);
            assertThat(collector.violation()).isNull();
            response.close();
        }
    }

    @Test
    @Timeout(30)
    void failingRequestBodyPublisher_failsTheSend() throws Exception {
        CompletableFuture<Throwable> serverSide = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            try {
                request.readBody();
                serverSide.complete(null);
                response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                serverSide.complete(e);
            }
        });
        TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/upload"))
                .body(RequestBody.ofPublisher(new Pattern.Publisher(64 * MIB, 2 * MIB), -1, "application/json"))
                .build();
        assertThat(failure(transport.send(request))).isInstanceOf(IOException.class);
        assertThat(serverSide.get(10, TimeUnit.SECONDS))
                .as("the server saw a broken body, not a complete one")
                .isInstanceOf(IOException.class);
    }

    // ---- 8: concurrency ----

    @Test
    @Timeout(120)
    void manyConcurrentStreams_allCompleteCorrectly() throws Exception {
        int streams = 200;
        long size = 256 * 1024;
        TestServer server = server((request, response) -> {
            int seed = Integer.parseInt(request.query().substring("seed=".length()));
            try (OutputStream out = response.stream(200, Map.of("X-Seed", List.of(String.valueOf(seed))), -1)) {
                Pattern.write(out, size + seed, seed, new CRC32(), n -> {});
            }
        });
        List<CompletableFuture<BodyCollector>> bodies = new ArrayList<>();
        List<BodyCollector> collectors = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
            collectors.add(collector);
            bodies.add(transport.send(get(server.uri("/stream?seed=" + i))).thenCompose(response -> {
                response.body().subscribe(collector);
                return collector.done();
            }));
        }
        CompletableFuture.allOf(bodies.toArray(new CompletableFuture<?>[0])).get(100, TimeUnit.SECONDS);
        for (int i = 0; i < streams; i++) {
            BodyCollector collector = collectors.get(i);
            assertThat(collector.bytes()).as("stream %d", i).isEqualTo(size + i);
            assertThat(collector.crc()).as("stream %d", i).isEqualTo(Pattern.crc(size + i, i));
            assertThat(collector.violation()).as("stream %d", i).isNull();
        }
    }

    // ---- 9: close ----

    @Test
    @Timeout(60)
    void close_abortsRunningExchanges_andLaterSendsFailFast() throws Exception {
        CompletableFuture<Throwable> serverFailure = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            try (OutputStream out = response.stream(200, Map.of(), 1024 * MIB)) {
                Pattern.write(out, 1024 * MIB, 0, new CRC32(), n -> {});
                serverFailure.complete(null);
            } catch (IOException e) {
                serverFailure.complete(e);
            }
        });
        TransportResponse response = await(transport.send(get(server.uri("/big"))));
        BodyCollector collector = new BodyCollector(2, false);
        response.body().subscribe(collector);
        transport.close();
        transport.close(); // idempotent
        assertThat(failure(collector.done())).isInstanceOf(IOException.class);
        assertThat(serverFailure.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        Throwable failure = failure(transport.send(get(server.uri("/after"))));
        assertThat(failure).isInstanceOf(IOException.class);
    }

    // ---- helpers ----

    /**
     * Answers {@code /warm-up} with a small JSON body.
     *
     * @param request the request
     * @param response the response
     * @return whether the request was the warm-up
     * @throws IOException on failure
     */
    protected static boolean warmUp(TestServer.Request request, TestServer.Response response) throws IOException {
        if (!request.path().equals("/warm-up")) {
            return false;
        }
        request.readBody();
        response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /**
     * Runs one quick exchange so that a pooled connection (and warm code) is ready and tight timeouts that follow
     * measure the transport rather than the first connection of a loaded machine.
     *
     * @param server a server whose handler calls {@link #warmUp(TestServer.Request, TestServer.Response)}
     * @throws Exception on failure
     */
    protected void warmUp(TestServer server) throws Exception {
        try (TransportResponse warm = await(transport.send(get(server.uri("/warm-up"))))) {
            assertThat(warm.statusCode()).isEqualTo(200);
            readAll(warm);
        }
    }

    /**
     * A GET request.
     *
     * @param uri the URI
     * @return the request
     */
    protected static TransportRequest get(URI uri) {
        return TransportRequest.newBuilder("GET", uri).build();
    }

    /**
     * Waits for a response.
     *
     * @param future the send future
     * @return the response
     * @throws Exception on failure
     */
    protected static TransportResponse await(CompletableFuture<TransportResponse> future) throws Exception {
        return await(future, Duration.ofSeconds(20));
    }

    private static TransportResponse await(CompletableFuture<TransportResponse> future, Duration timeout)
            throws Exception {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the exchange failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Reads a whole (small) body.
     *
     * @param response the response
     * @return the bytes
     * @throws Exception on failure
     */
    protected static byte[] readAll(TransportResponse response) throws Exception {
        BodyCollector collector = new BodyCollector(Long.MAX_VALUE, true);
        response.body().subscribe(collector);
        try {
            collector.done().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the body failed: " + e.getCause(), e.getCause());
        }
        assertThat(collector.violation()).isNull();
        return collector.kept();
    }

    /**
     * Waits for a future to fail and returns why.
     *
     * @param future the future
     * @return the failure
     * @throws Exception if it did not fail within 20 s
     */
    protected static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(20, TimeUnit.SECONDS);
            return fail("expected a failure but got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return fail("no failure within 20 s");
        }
    }

    private static long drain(InputStream in, CRC32 crc) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            crc.update(buffer, 0, n);
            count += n;
        }
        return count;
    }

    /** Waits until a counter stops growing (unchanged for one second), bounded by a timeout. */
    private static long awaitStable(AtomicLong counter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        int stableSamples = 0;
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now == last && now > 0) {
                if (++stableSamples >= 10) {
                    return now;
                }
            } else {
                stableSamples = 0;
                last = now;
            }
            Thread.sleep(100);
        }
        return counter.get();
    }

    /** Samples the used heap after a GC; reports the largest growth over the baseline. */
    private static final class HeapProbe {
        private final long baseline = usedAfterGc();
        private final AtomicLong max = new AtomicLong();
        private final AtomicBoolean sampling = new AtomicBoolean();

        void sample() {
            if (sampling.compareAndSet(false, true)) {
                try {
                    long growth = usedAfterGc() - baseline;
                    max.accumulateAndGet(growth, Math::max);
                } finally {
                    sampling.set(false);
                }
            }
        }

        long maxGrowth() {
            return max.get();
        }

        String describe() {
            return "heap used after GC " + baseline / 1024 + " KiB before, at most " + (baseline + max.get()) / 1024
                    + " KiB during";
        }

        private static long usedAfterGc() {
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            return runtime.totalMemory() - runtime.freeMemory();
        }
    }
}
