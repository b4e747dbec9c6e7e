package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConflictException;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.api.spi.WebSocketHandshakeException;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketRequest;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.api.spi.WebSockets;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ApiClient#openWebSocket}: the handshake it asks for, how failures map, and the relay to the listener. */
class ApiClientWebSocketTest {
    private final FakeWebSockets webSockets = new FakeWebSockets();
    private final List<Transports.Lease> leases = new ArrayList<>();

    @AfterEach
    void closeLeases() {
        leases.forEach(Transports.Lease::close);
    }

    private ApiClient client(String baseUrl, Map<String, String> serverHeaders, ConnectionConfig.Builder config) {
        ConnectionConfig built = config.transport(new FakeTransport(webSockets)).build();
        Transports.Lease lease = Transports.lease(built);
        leases.add(lease);
        return new ApiClient(lease, built, baseUrl, serverHeaders);
    }

    private ApiClient client(String baseUrl) {
        return client(baseUrl, Map.of(), ConnectionConfig.builder().domain("h:1"));
    }

    @Test
    void openWebSocket_turnsHttpIntoWsAndHttpsIntoWss_underTheBasePath() {
        var unusedPlain =
                client("http://gw:8080/sandboxes/s1/port/44772").openWebSocket("/pty/a/ws?since=3", new Recorder());
        var unusedTls = client("https://gw.example").openWebSocket("/pty/b/ws", new Recorder());

        assertThat(webSockets.requests)
                .extracting(r -> r.uri().toString())
                .containsExactly("ws://gw:8080/sandboxes/s1/port/44772/pty/a/ws?since=3", "wss://gw.example/pty/b/ws");
    }

    @Test
    void openWebSocket_sendsEndpointHeadersAndUserAgent_neverTheApiKey() {
        ApiClient lifecycleLike = client(
                "http://gw:1",
                Map.of(ConnectionConfig.API_KEY_HEADER, "secret-key", "X-Endpoint", "e1"),
                ConnectionConfig.builder().domain("h:1").apiKey("secret-key").header("X-Custom", "c1"));

        var unused = lifecycleLike.openWebSocket("/ws", new Recorder());

        WebSocketRequest request = webSockets.requests.get(0);
        assertThat(request.headers()).containsEntry("X-Endpoint", List.of("e1"));
        assertThat(request.headers()).containsEntry("X-Custom", List.of("c1"));
        assertThat(request.headers()).containsEntry("User-Agent", List.of(Transports.USER_AGENT));
        assertThat(request.headers()).doesNotContainKey(ConnectionConfig.API_KEY_HEADER);
        assertThat(request.headers().values().stream().flatMap(List::stream)).doesNotContain("secret-key");
    }

    @Test
    void openWebSocket_boundsTheHandshakeByTheConnectTimeout() {
        ApiClient client = client(
                "http://gw:1",
                Map.of(),
                ConnectionConfig.builder().domain("h:1").connectTimeout(Duration.ofMillis(1234)));

        var unused = client.openWebSocket("/ws", new Recorder());

        assertThat(webSockets.requests.get(0).connectTimeout()).isEqualTo(Duration.ofMillis(1234));
    }

    @Test
    void openWebSocket_onATransportWithoutTheCapability_failsUnsupportedNamingTheTransport() {
        ConnectionConfig config = ConnectionConfig.builder()
                .domain("h:1")
                .transport(new FakeTransport(null))
                .build();
        Transports.Lease lease = Transports.lease(config);
        leases.add(lease);
        ApiClient client = new ApiClient(lease, config, "http://gw:1", Map.of());

        SandboxException failure = failure(client.openWebSocket("/pty/x/ws", new Recorder()));

        assertThat(failure.error().code()).isEqualTo(SandboxError.UNSUPPORTED);
        assertThat(failure.getMessage()).contains("fake").contains("/pty/x/ws");
    }

    @Test
    void openWebSocket_whenTheHandshakeIsRefused_mapsStatusAndBodyLikeAnHttpError() {
        CompletableFuture<WebSocketSession> notFound = client("http://gw:1").openWebSocket("/pty/x/ws", new Recorder());
        webSockets
                .pending
                .get(0)
                .completeExceptionally(new WebSocketHandshakeException(
                        404,
                        Map.of("x-request-id", List.of("req-404")),
                        "{\"code\":\"PTY_NOT_FOUND\",\"message\":\"no session x\"}".getBytes(StandardCharsets.UTF_8),
                        "404"));
        CompletableFuture<WebSocketSession> conflict = client("http://gw:1").openWebSocket("/pty/y/ws", new Recorder());
        webSockets
                .pending
                .get(1)
                .completeExceptionally(new WebSocketHandshakeException(
                        409,
                        "{\"code\":\"ATTACHED\",\"message\":\"attached elsewhere\"}".getBytes(StandardCharsets.UTF_8),
                        "409"));

        SandboxException first = failure(notFound);
        SandboxException second = failure(conflict);

        assertThat(first).isInstanceOf(NotFoundException.class);
        assertThat(first.error().code()).isEqualTo("PTY_NOT_FOUND");
        assertThat(first.error().message()).isEqualTo("no session x");
        assertThat(first.requestId()).hasValue("req-404");
        assertThat(second.requestId()).isEmpty();
        assertThat(second).isInstanceOf(ConflictException.class);
        assertThat(second.error().code()).isEqualTo("ATTACHED");
    }

    @Test
    void openWebSocket_whenTheServerCannotBeReached_failsLikeACall() {
        CompletableFuture<WebSocketSession> future = client("http://gw:1").openWebSocket("/ws", new Recorder());
        webSockets.pending.get(0).completeExceptionally(new ConnectException("could not connect: refused"));

        assertThat(failure(future)).isInstanceOf(ConnectionException.class);
    }

    @Test
    void listener_runsOnHandlerThreads_oneCallAtATime_inOrder() throws Exception {
        Recorder recorder = new Recorder();
        CompletableFuture<WebSocketSession> future = client("http://gw:1").openWebSocket("/ws", recorder);
        FakeSession transport = webSockets.open(0);
        WebSocketSession session = future.get(10, TimeUnit.SECONDS);
        session.request(100);
        for (int i = 0; i < 100; i++) {
            webSockets.listeners.get(0).onText("m" + i, true);
        }
        webSockets.listeners.get(0).onBinary(ByteBuffer.wrap(new byte[] {1, 2}), true);
        webSockets.listeners.get(0).onClose(4001, "taken over");

        assertThat(recorder.ended.await(10, TimeUnit.SECONDS)).isTrue();
        List<String> expected = new ArrayList<>();
        expected.add("open");
        for (int i = 0; i < 100; i++) {
            expected.add("text m" + i);
        }
        expected.add("binary 2");
        expected.add("close 4001 taken over");
        assertThat(recorder.events).containsExactlyElementsOf(expected);
        assertThat(recorder.threads).allMatch(name -> name.startsWith("opensandbox-handler-"));
        assertThat(recorder.maxConcurrent.get()).isEqualTo(1);
        assertThat(transport.requested.get()).isEqualTo(100);
    }

    @Test
    void demand_isTheListenersOwn_nothingIsAskedForOnItsBehalf() throws Exception {
        Recorder recorder = new Recorder();
        CompletableFuture<WebSocketSession> future = client("http://gw:1").openWebSocket("/ws", recorder);
        FakeSession transport = webSockets.open(0);
        WebSocketSession session = future.get(10, TimeUnit.SECONDS);
        webSockets.listeners.get(0).onText("first", true); // the one message the contract's initial count allows

        assertThat(recorder.next()).isEqualTo("open");
        assertThat(recorder.next()).isEqualTo("text first");
        assertThat(transport.requested.get()).isZero(); // a listener that asks for nothing: the transport stops
        session.request(3);
        session.request(2);
        assertThat(transport.requested.get()).isEqualTo(5);
    }

    @Test
    void closingTheLease_abortsTheSession_andTellsTheListener() throws Exception {
        Recorder recorder = new Recorder();
        ApiClient client = client("http://gw:1");
        CompletableFuture<WebSocketSession> future = client.openWebSocket("/ws", recorder);
        FakeSession transport = webSockets.open(0);
        future.get(10, TimeUnit.SECONDS);

        client.lease().close();

        assertThat(recorder.ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(transport.aborted).isTrue();
        assertThat(recorder.errors).singleElement().isInstanceOf(SandboxClosedException.class);
    }

    @Test
    void closingTheLease_duringTheHandshake_failsTheFuture_andAbortsTheLateSession() {
        ApiClient client = client("http://gw:1");
        CompletableFuture<WebSocketSession> future = client.openWebSocket("/ws", new Recorder());

        client.lease().close();
        FakeSession late = webSockets.open(0);

        assertThat(failure(future)).isInstanceOf(SandboxClosedException.class);
        assertThat(late.aborted).isTrue();
    }

    @Test
    void abort_byTheUser_abortsTheTransportSession_andTellsTheListenerNothing() throws Exception {
        Recorder recorder = new Recorder();
        ApiClient client = client("http://gw:1");
        CompletableFuture<WebSocketSession> future = client.openWebSocket("/ws", recorder);
        FakeSession transport = webSockets.open(0);
        WebSocketSession session = future.get(10, TimeUnit.SECONDS);

        session.abort();
        client.lease().close();

        assertThat(transport.aborted).isTrue();
        assertThat(recorder.next()).isEqualTo("open");
        assertThat(recorder.errors).isEmpty();
        assertThat(recorder.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aTransportError_reachesTheListenerAsASandboxException() throws Exception {
        Recorder recorder = new Recorder();
        CompletableFuture<WebSocketSession> future = client("http://gw:1").openWebSocket("/ws", recorder);
        webSockets.open(0);
        future.get(10, TimeUnit.SECONDS);

        webSockets.listeners.get(0).onError(new ConnectException("reset"));

        assertThat(recorder.ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(recorder.errors).singleElement().isInstanceOf(ConnectionException.class);
    }

    private static SandboxException failure(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SandboxException.class);
            return (SandboxException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the future did not fail");
    }

    /** Records listener calls, their threads and how many ran at once. */
    private static final class Recorder implements WebSocketListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();

        private void record(String event) {
            int now = running.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            threads.add(Thread.currentThread().getName());
            Thread.yield();
            events.add(event);
            running.decrementAndGet();
        }

        String next() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).isNotNull();
            return event;
        }

        @Override
        public void onOpen(WebSocketSession session) {
            record("open");
        }

        @Override
        public void onText(CharSequence data, boolean last) {
            record("text " + data);
        }

        @Override
        public void onBinary(ByteBuffer data, boolean last) {
            record("binary " + data.remaining());
        }

        @Override
        public void onClose(int statusCode, String reason) {
            record("close " + statusCode + " " + reason);
            ended.countDown();
        }

        @Override
        public void onError(Throwable error) {
            errors.add(error);
            record("error");
            ended.countDown();
        }
    }

    private static final class FakeSession implements WebSocketSession {
        final AtomicLong requested = new AtomicLong();
        volatile boolean aborted;

        @Override
        public CompletableFuture<Void> sendText(CharSequence data, boolean last) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> sendBinary(ByteBuffer data, boolean last) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> sendPing(ByteBuffer data) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> sendClose(int statusCode, String reason) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    /** Records each handshake; the test completes it (as the transport would, onOpen first). */
    private static final class FakeWebSockets implements WebSockets {
        final List<WebSocketRequest> requests = new CopyOnWriteArrayList<>();
        final List<WebSocketListener> listeners = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<WebSocketSession>> pending = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<WebSocketSession> connect(WebSocketRequest request, WebSocketListener listener) {
            requests.add(request);
            listeners.add(listener);
            CompletableFuture<WebSocketSession> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        }

        FakeSession open(int index) {
            FakeSession session = new FakeSession();
            listeners.get(index).onOpen(session);
            pending.get(index).complete(session);
            return session;
        }
    }

    private static final class FakeTransport implements Transport {
        private final @Nullable WebSockets webSockets;

        FakeTransport(@Nullable WebSockets webSockets) {
            this.webSockets = webSockets;
        }

        @Override
        public CompletableFuture<TransportResponse> send(TransportRequest request) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("fake"));
        }

        @Override
        public Optional<WebSockets> webSockets() {
            return Optional.ofNullable(webSockets);
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void close() {}
    }
}
