package io.opensandbox.transport.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.spi.BlockingExchanges;
import io.opensandbox.api.spi.BlockingResponse;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of the optional {@link BlockingExchanges} capability: a transport that offers it extends this class
 * and supplies itself. Exchanges run on the calling thread, reuse connections, time out at the request timeout
 * however slowly headers trickle in, and end at once when the abort stage completes, the thread is interrupted or
 * the transport is closed; a body closed early never leaves its connection for reuse. Fails (never skips) on a
 * transport without the capability.
 */
@Timeout(60)
@NullUnmarked
public abstract class BlockingExchangesCompatibilityKit {
    private Transport transport;
    private BlockingExchanges exchanges;
    private TestServer server;

    /** For subclasses. */
    protected BlockingExchangesCompatibilityKit() {}

    /**
     * Creates the transport under test; a new one for each test, closed after it.
     *
     * @param options the options
     * @return the transport
     */
    protected abstract Transport createTransport(TransportOptions options);

    @BeforeEach
    void setUp() {
        transport = createTransport(new TransportOptions(Duration.ofSeconds(5), 8, "OpenSandbox-Java-SDK/test"));
        exchanges = transport
                .blockingExchanges()
                .orElseThrow(() -> new AssertionError(transport.name() + " offers no BlockingExchanges"));
    }

    @AfterEach
    void tearDown() {
        transport.close();
        if (server != null) {
            server.close();
        }
    }

    private static TransportRequest get(TestServer server, String path, Duration timeout) {
        return TransportRequest.newBuilder("GET", server.uri(path))
                .timeout(timeout)
                .build();
    }

    @Test
    void exchange_runsOnTheCallingThread_sendsTheRequest_andReusesTheConnection() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        server = TestServer.start((request, response) -> {
            seen.set(request.method() + " " + request.target() + " " + request.header("X-Test") + " "
                    + new String(request.readBody(), StandardCharsets.UTF_8));
            response.send(200, Map.of("X-Answer", List.of("yes")), "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        Thread caller = Thread.currentThread();
        for (int i = 0; i < 3; i++) {
            TransportRequest request = TransportRequest.newBuilder("POST", server.uri("/v1/x?a=1"))
                    .setHeader("X-Test", "t" + i)
                    .body(RequestBody.ofBytes(("body" + i).getBytes(StandardCharsets.UTF_8), "text/plain"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            try (BlockingResponse response = exchanges.exchange(request, new CompletableFuture<>())) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().get("x-answer")).containsExactly("yes");
                assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"ok\":true}");
            }
            assertThat(seen.get()).isEqualTo("POST /v1/x?a=1 t" + i + " body" + i);
            assertThat(Thread.currentThread()).isSameAs(caller);
        }
        assertThat(server.connectionsAccepted())
                .as("one connection for three exchanges")
                .isEqualTo(1);
    }

    @Test
    void headersThatTrickle_timeOutAtTheRequestTimeout() throws Exception {
        server = TestServer.start((request, response) -> {
            for (byte b : "HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII)) {
                response.raw(new byte[] {b});
                Thread.sleep(100); // each byte well within the socket timeout, the whole head far beyond
            }
        });
        long start = System.nanoTime();
        assertThatThrownBy(() ->
                        exchanges.exchange(get(server, "/slow", Duration.ofMillis(700)), new CompletableFuture<>()))
                .isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("700 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void completingTheAbortStage_freesACallerBlockedForHeaders() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server = TestServer.start((request, response) -> {
            arrived.countDown();
            request.awaitDisconnect(Duration.ofSeconds(30));
        });
        CompletableFuture<Void> abort = new CompletableFuture<>();
        Thread aborter = new Thread(() -> {
            try {
                if (arrived.await(10, TimeUnit.SECONDS)) {
                    abort.complete(null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        aborter.start();
        assertThatThrownBy(() -> exchanges.exchange(get(server, "/stall", Duration.ofSeconds(30)), abort))
                .isInstanceOf(InterruptedIOException.class)
                .hasMessageContaining("aborted");
        aborter.join();
    }

    @Test
    void completingTheAbortStage_failsABodyReadInProgress() throws Exception {
        server = TestServer.start((request, response) -> {
            OutputStream out = response.stream(200, Map.of(), -1);
            out.write("start".getBytes(StandardCharsets.UTF_8));
            out.flush();
            request.awaitDisconnect(Duration.ofSeconds(30));
        });
        CompletableFuture<Void> abort = new CompletableFuture<>();
        try (BlockingResponse response = exchanges.exchange(get(server, "/body", Duration.ofSeconds(30)), abort)) {
            byte[] first = response.body().readNBytes(5);
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("start");
            CompletableFuture<Void> unused = CompletableFuture.runAsync(
                    () -> abort.complete(null), CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
            assertThatThrownBy(() -> response.body().read()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void interruptingTheCallingThread_endsABlockedExchange_andKeepsTheFlag() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server = TestServer.start((request, response) -> {
            arrived.countDown();
            request.awaitDisconnect(Duration.ofSeconds(30));
        });
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                if (arrived.await(10, TimeUnit.SECONDS)) {
                    Thread.sleep(100);
                    caller.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        interrupter.start();
        try {
            assertThatThrownBy(() -> exchanges.exchange(
                            get(server, "/stall", Duration.ofSeconds(30)), new CompletableFuture<>()))
                    .isInstanceOf(IOException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            interrupter.join();
        }
    }

    @Test
    void closingTheTransport_freesACallerBlockedForHeaders_andLaterExchangesFail() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server = TestServer.start((request, response) -> {
            arrived.countDown();
            request.awaitDisconnect(Duration.ofSeconds(30));
        });
        Thread closer = new Thread(() -> {
            try {
                if (arrived.await(10, TimeUnit.SECONDS)) {
                    transport.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closer.start();
        assertThatThrownBy(() ->
                        exchanges.exchange(get(server, "/stall", Duration.ofSeconds(30)), new CompletableFuture<>()))
                .isInstanceOf(IOException.class);
        closer.join();
        assertThatThrownBy(() ->
                        exchanges.exchange(get(server, "/after", Duration.ofSeconds(5)), new CompletableFuture<>()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aBodyClosedBeforeItsEnd_discardsTheConnection() throws Exception {
        server = TestServer.start((request, response) -> {
            if (request.path().equals("/big")) {
                try (OutputStream out = response.stream(200, Map.of(), 1024 * 1024)) {
                    out.write(new byte[1024 * 1024]);
                }
            } else {
                response.send(200, Map.of(), "small".getBytes(StandardCharsets.UTF_8));
            }
        });
        try (BlockingResponse response =
                exchanges.exchange(get(server, "/big", Duration.ofSeconds(5)), new CompletableFuture<>())) {
            assertThat(response.body().readNBytes(10)).hasSize(10);
        }
        try (BlockingResponse response =
                exchanges.exchange(get(server, "/small", Duration.ofSeconds(5)), new CompletableFuture<>())) {
            assertThat(response.body().readAllBytes()).hasSize(5);
        }
        assertThat(server.connectionsAccepted())
                .as("the half-read connection was not reused")
                .isEqualTo(2);
    }

    @Test
    void aRefusedConnection_isAConnectFailure() throws Exception {
        int port;
        try (java.net.ServerSocket closed =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        TransportRequest request = TransportRequest.newBuilder(
                        "GET", java.net.URI.create("http://127.0.0.1:" + port + "/x"))
                .timeout(Duration.ofSeconds(5))
                .build();
        assertThatThrownBy(() -> exchanges.exchange(request, new CompletableFuture<>()))
                .isInstanceOf(java.net.ConnectException.class);
    }
}
