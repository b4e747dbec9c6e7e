package io.opensandbox.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.transport.tck.BodyCollector;
import io.opensandbox.transport.tck.TestServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the JDK transport does where {@code java.net.http} needs help: restricted headers, framing, limits. */
class JdkTransportBehaviourTest {
    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    @Timeout(30)
    void restrictedHeader_failsClearly_withoutReachingTheServer() throws Exception {
        TestServer server = server((request, response) -> {
            request.readBody();
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        Transport transport = transport(8);
        for (String header : List.of("Host", "Expect", "Connection", "Upgrade")) {
            TransportRequest request = TransportRequest.newBuilder("GET", server.uri("/restricted"))
                    .header(header, header.equals("Expect") ? "100-continue" : "value")
                    .build();
            Throwable failure = failure(transport.send(request));
            assertThat(failure)
                    .as(header)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("java.net.http refuses")
                    .hasMessageContaining("'" + header + "'");
        }
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    @Timeout(30)
    void contentLengthAndTransferEncodingHeaders_areIgnored_theFramingFollowsTheBody() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        TestServer server = server((request, response) -> {
            byte[] body = request.readBody();
            seen.complete(request.header("Content-Length") + " " + request.header("Transfer-Encoding") + " "
                    + new String(body, StandardCharsets.UTF_8));
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/framing"))
                .header("Content-Length", "999")
                .header("Transfer-Encoding", "chunked")
                .body(RequestBody.ofBytes("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json"))
                .build();
        try (TransportResponse response = transport(8).send(request).get(20, TimeUnit.SECONDS)) {
            assertThat(response.statusCode()).isEqualTo(200);
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("7 null {\"a\":1}");
    }

    @Test
    @Timeout(30)
    void streamedUpload_shorterOrLongerThanItsDeclaredLength_fails() throws Exception {
        List<CompletableFuture<Throwable>> serverSide = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        AtomicInteger calls = new AtomicInteger();
        TestServer server = server((request, response) -> {
            CompletableFuture<Throwable> outcome = serverSide.get(Math.min(1, calls.getAndIncrement()));
            try {
                request.readBody();
                outcome.complete(null);
                response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                outcome.complete(e);
            }
        });
        Transport transport = transport(8);
        // 500 bytes declared as 1000: the server must not take a short body for a whole one
        Throwable shorter = failure(transport.send(upload(server, 500, 1000)));
        assertThat(shorter).isInstanceOf(IOException.class);
        assertThat(serverSide.get(0).get(10, TimeUnit.SECONDS))
                .as("the server saw a broken body")
                .isInstanceOf(IOException.class);
        // 1500 bytes declared as 1000: the client refuses to send more than it announced
        Throwable longer = failure(transport.send(upload(server, 1500, 1000)));
        assertThat(longer).isInstanceOf(IOException.class);
    }

    @Test
    @Timeout(60)
    void maxConnections_boundsTheExchangesRunningAtOnce_andQueuedOnesRunLater() throws Exception {
        int limit = 2;
        int requests = 6;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstTwo = new CountDownLatch(limit);
        TestServer server = server((request, response) -> {
            request.readBody();
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            firstTwo.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
            } finally {
                inside.decrementAndGet();
            }
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        Transport transport = transport(limit);
        List<CompletableFuture<BodyCollector>> bodies = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            BodyCollector collector = new BodyCollector(Long.MAX_VALUE, false);
            bodies.add(transport
                    .send(TransportRequest.newBuilder("GET", server.uri("/slot/" + i))
                            .timeout(Duration.ofSeconds(40))
                            .build())
                    .thenCompose(response -> {
                        response.body().subscribe(collector);
                        return collector.done();
                    }));
        }
        assertThat(firstTwo.await(20, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(500); // had the limit not held, the other requests would have arrived by now
        assertThat(inside.get()).as("exchanges the server holds at once").isEqualTo(limit);
        release.countDown();
        CompletableFuture.allOf(bodies.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        assertThat(most.get()).isEqualTo(limit);
        assertThat(server.connectionsAccepted()).isLessThanOrEqualTo(limit);
    }

    @Test
    @Timeout(30)
    void cancellingAQueuedSend_neverSendsIt_andFreesNothingItDidNotHold() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger seen = new AtomicInteger();
        TestServer server = server((request, response) -> {
            request.readBody();
            seen.incrementAndGet();
            if (request.path().equals("/hold") && !release.await(20, TimeUnit.SECONDS)) {
                throw new IOException("never released");
            }
            response.send(200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
        });
        Transport transport = transport(1);
        CompletableFuture<TransportResponse> holding = transport.send(get(server, "/hold"));
        CompletableFuture<TransportResponse> queued = transport.send(get(server, "/queued"));
        queued.cancel(true);
        release.countDown();
        try (TransportResponse response = holding.get(20, TimeUnit.SECONDS)) {
            assertThat(response.statusCode()).isEqualTo(200);
        }
        // the slot held by /hold is free again once its response was closed: a third exchange runs
        try (TransportResponse response = transport.send(get(server, "/after")).get(20, TimeUnit.SECONDS)) {
            assertThat(response.statusCode()).isEqualTo(200);
        }
        assertThat(seen.get()).as("/hold and /after, never /queued").isEqualTo(2);
    }

    private static TransportRequest get(TestServer server, String path) {
        return TransportRequest.newBuilder("GET", server.uri(path)).build();
    }

    private static TransportRequest upload(TestServer server, int bytes, long declared) {
        Flow.Publisher<ByteBuffer> body = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public synchronized void request(long n) {
                if (!sent) {
                    sent = true;
                    subscriber.onNext(ByteBuffer.wrap(new byte[bytes]));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {}
        });
        return TransportRequest.newBuilder("PUT", server.uri("/upload"))
                .body(RequestBody.ofPublisher(body, declared, "application/octet-stream"))
                .build();
    }

    private TestServer server(TestServer.Handler handler) throws IOException {
        TestServer server = TestServer.start(handler);
        resources.add(server);
        return server;
    }

    private Transport transport(int maxConnections) {
        Transport transport = new JdkTransportProvider()
                .create(new TransportOptions(Duration.ofSeconds(5), maxConnections, "opensandbox-test/1.0"));
        resources.add(0, transport);
        return transport;
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            Object value = future.get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure but got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
