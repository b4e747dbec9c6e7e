package io.opensandbox.transport.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.opensandbox.api.spi.RequestNotSentException;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.WebSocketHandshakeException;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketRequest;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.api.spi.WebSockets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.NullUnmarked;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compatibility kit of the optional {@link WebSockets} capability: what a transport that offers it must do,
 * against a hand-written RFC 6455 server on 127.0.0.1 ({@link WebSocketServer}) that controls every frame. A
 * transport that offers WebSockets runs it by extending this class; the kit fails (it does not skip) when the
 * transport does not offer them.
 *
 * <p>No check is about elapsed time: back-pressure is shown by a server whose writes stop well short of what it
 * wants to send while the listener asks for nothing.
 */
@Timeout(60)
// test-kit code: not null-checked (its fields are set by JUnit callbacks and Flow.onSubscribe)
@NullUnmarked
public abstract class WebSocketCompatibilityKit {
    /** For subclasses: a transport's test. */
    protected WebSocketCompatibilityKit() {}

    private static final int MIB = 1024 * 1024;

    /** The transport under test, made fresh for each test and closed after it. */
    protected Transport transport;

    private WebSockets webSockets;
    private final List<WebSocketServer> servers = new ArrayList<>();

    /**
     * Creates the transport under test.
     *
     * @param options the settings
     * @return a new transport
     */
    protected abstract Transport createTransport(TransportOptions options);

    @BeforeEach
    void openTransport() {
        transport = createTransport(new TransportOptions(Duration.ofSeconds(5), 16, "opensandbox-tck/1.0"));
        webSockets = transport
                .webSockets()
                .orElseThrow(() -> new AssertionError(transport.name() + " does not offer WebSockets"));
    }

    @AfterEach
    void closeAll() throws IOException {
        transport.close();
        for (WebSocketServer server : servers) {
            server.close();
        }
    }

    private WebSocketServer server() throws IOException {
        WebSocketServer server = WebSocketServer.start();
        servers.add(server);
        return server;
    }

    /** Opens a session: the server accepts the handshake; waits for the client side to open. */
    private Opened open(WebSocketServer server, Recorder recorder) throws Exception {
        CompletableFuture<WebSocketSession> future = webSockets.connect(
                WebSocketRequest.newBuilder(server.uri("/ws")).build(), recorder);
        WebSocketServer.Connection connection = server.accept();
        connection.accept();
        WebSocketSession session = future.get(10, TimeUnit.SECONDS);
        assertThat(recorder.next()).isEqualTo("open");
        return new Opened(connection, session);
    }

    private record Opened(WebSocketServer.Connection server, WebSocketSession session) {}

    @Test
    void textAndBinaryFrames_travelBothWays() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.server().sendText("héllo", true);
        ws.server().send(WebSocketServer.BINARY, true, new byte[] {1, 2, 3});
        assertThat(recorder.nextWhole()).isEqualTo("text héllo");
        assertThat(recorder.nextWhole()).isEqualTo("binary [1, 2, 3]");

        ws.session().sendText("wörld", true).get(10, TimeUnit.SECONDS);
        ws.session().sendBinary(ByteBuffer.wrap(new byte[] {4, 5}), true).get(10, TimeUnit.SECONDS);
        WebSocketServer.Frame text = ws.server().readSkippingPongs();
        WebSocketServer.Frame binary = ws.server().readSkippingPongs();
        assertThat(text.opcode()).isEqualTo(WebSocketServer.TEXT);
        assertThat(text.fin()).isTrue();
        assertThat(text.text()).isEqualTo("wörld");
        assertThat(binary.opcode()).isEqualTo(WebSocketServer.BINARY);
        assertThat(binary.payload()).containsExactly(4, 5);
    }

    @Test
    void largeFrames_arriveWhole() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);
        byte[] big = new byte[3 * MIB + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }

        ws.server().send(WebSocketServer.BINARY, true, big);

        assertThat(recorder.binaryMessage()).isEqualTo(big);
    }

    @Test
    void serverFragments_arriveAsPartsOfOneMessage() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.server().send(WebSocketServer.TEXT, false, "frag".getBytes(StandardCharsets.UTF_8));
        ws.server().send(WebSocketServer.CONTINUATION, false, "men".getBytes(StandardCharsets.UTF_8));
        ws.server().send(WebSocketServer.CONTINUATION, true, "ted".getBytes(StandardCharsets.UTF_8));
        ws.server().send(WebSocketServer.BINARY, false, new byte[] {1});
        ws.server().send(WebSocketServer.CONTINUATION, true, new byte[] {2, 3});

        // a transport may split a frame further, never join frames: at least three parts, only the last one final
        List<String> parts = recorder.partsOfOneMessage();
        assertThat(parts.size()).isGreaterThanOrEqualTo(3);
        assertThat(String.join("", parts)).isEqualTo("fragmented");
        assertThat(recorder.binaryMessage()).containsExactly(1, 2, 3);
    }

    @Test
    void clientFragments_leaveAsContinuationFrames() throws Exception {
        Opened ws = open(server(), new Recorder(true));

        CompletableFuture<Void> first = ws.session().sendText("ab", false);
        CompletableFuture<Void> second = ws.session().sendText("cd", true);
        CompletableFuture<Void> third = ws.session().sendBinary(ByteBuffer.wrap(new byte[] {9}), false);
        ws.session().sendBinary(ByteBuffer.wrap(new byte[] {8}), true).get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(first, second, third).get(10, TimeUnit.SECONDS); // queued in call order

        WebSocketServer.Frame text1 = ws.server().readSkippingPongs();
        WebSocketServer.Frame text2 = ws.server().readSkippingPongs();
        WebSocketServer.Frame binary1 = ws.server().readSkippingPongs();
        WebSocketServer.Frame binary2 = ws.server().readSkippingPongs();
        assertThat(List.of(text1.opcode(), text2.opcode(), binary1.opcode(), binary2.opcode()))
                .containsExactly(
                        WebSocketServer.TEXT,
                        WebSocketServer.CONTINUATION,
                        WebSocketServer.BINARY,
                        WebSocketServer.CONTINUATION);
        assertThat(List.of(text1.fin(), text2.fin(), binary1.fin(), binary2.fin()))
                .containsExactly(false, true, false, true);
        assertThat(text1.text() + text2.text()).isEqualTo("abcd");
        assertThat(binary1.payload()).containsExactly(9);
        assertThat(binary2.payload()).containsExactly(8);
    }

    @Test
    void serverPing_isAnsweredByTheTransport_andShownToTheListener() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.server().send(WebSocketServer.PING, true, "p1".getBytes(StandardCharsets.UTF_8));

        WebSocketServer.Frame pong = ws.server().read();
        assertThat(pong.opcode()).isEqualTo(WebSocketServer.PONG);
        assertThat(pong.text()).isEqualTo("p1");
        assertThat(recorder.next()).isEqualTo("ping p1");
    }

    @Test
    void clientPing_reachesTheServer_andItsPongTheListener() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.session()
                .sendPing(ByteBuffer.wrap("c1".getBytes(StandardCharsets.UTF_8)))
                .get(10, TimeUnit.SECONDS);
        WebSocketServer.Frame ping = ws.server().read();
        ws.server().send(WebSocketServer.PONG, true, ping.payload());

        assertThat(ping.opcode()).isEqualTo(WebSocketServer.PING);
        assertThat(ping.text()).isEqualTo("c1");
        assertThat(recorder.next()).isEqualTo("pong c1");
    }

    @Test
    void serverClose_withACodeAndReason_isReported_andEchoed() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.server().sendClose(4001, "taken over");

        assertThat(recorder.next()).isEqualTo("close 4001 taken over");
        WebSocketServer.Frame echo = ws.server().readSkippingPongs();
        assertThat(echo.opcode()).isEqualTo(WebSocketServer.CLOSE);
        assertThat(echo.closeCode()).isEqualTo(4001);
        ws.server().closeSocket();
        assertThat(recorder.events.poll(200, TimeUnit.MILLISECONDS)).isNull(); // nothing after the close
    }

    @Test
    void clientClose_withACodeAndReason_reachesTheServer() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.session().sendClose(4001, "bye now").get(10, TimeUnit.SECONDS);
        WebSocketServer.Frame close = ws.server().readSkippingPongs();
        ws.server().sendClose(4001, "");

        assertThat(close.opcode()).isEqualTo(WebSocketServer.CLOSE);
        assertThat(close.closeCode()).isEqualTo(4001);
        assertThat(close.closeReason()).isEqualTo("bye now");
        assertThat(recorder.next()).isEqualTo("close 4001 ");
        assertThat(ws.server().awaitEndOfStream()).isTrue();
    }

    @Test
    void clientClose_normal_reachesTheServer() throws Exception {
        Opened ws = open(server(), new Recorder(true));

        ws.session().sendClose(1000, "").get(10, TimeUnit.SECONDS);

        WebSocketServer.Frame close = ws.server().readSkippingPongs();
        assertThat(close.opcode()).isEqualTo(WebSocketServer.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1000);
    }

    @Test
    void handshake_carriesThePathQueryAndHeaders() throws Exception {
        WebSocketServer server = server();
        CompletableFuture<WebSocketSession> future = webSockets.connect(
                WebSocketRequest.newBuilder(server.uri("/pty/s1/ws?since=42&x=a%20b"))
                        .header("X-Test", "one")
                        .header("X-Access-Token", "token-1")
                        .header("User-Agent", "opensandbox-tck/1.0")
                        .build(),
                new Recorder(true));
        WebSocketServer.Connection connection = server.accept();
        connection.accept();
        future.get(10, TimeUnit.SECONDS);

        assertThat(connection.requestLine()).isEqualTo("GET /pty/s1/ws?since=42&x=a%20b HTTP/1.1");
        assertThat(connection.header("X-Test")).isEqualTo("one");
        assertThat(connection.header("X-Access-Token")).isEqualTo("token-1");
        assertThat(connection.header("User-Agent")).isEqualTo("opensandbox-tck/1.0");
        assertThat(connection.header("Sec-WebSocket-Version")).isEqualTo("13");
    }

    @Test
    void refusedHandshake_failsWithTheStatusHeadersAndBody() throws Exception {
        WebSocketServer server = server();
        byte[] body = "{\"code\":\"NOT_FOUND\",\"message\":\"no pty session s1\"}".getBytes(StandardCharsets.UTF_8);
        Recorder recorder = new Recorder(true);
        CompletableFuture<WebSocketSession> future = webSockets.connect(
                WebSocketRequest.newBuilder(server.uri("/pty/s1/ws")).build(), recorder);

        server.accept().refuse(404, "application/json", body, Map.of("X-Request-ID", "req-refused-1"));

        Throwable failure = failureOf(future);
        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        WebSocketHandshakeException refused = (WebSocketHandshakeException) failure;
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(refused.body()).isEqualTo(body);
        assertThat(refused.headers().entrySet())
                .filteredOn(header -> header.getKey().equalsIgnoreCase("X-Request-ID"))
                .singleElement()
                .satisfies(header -> assertThat(header.getValue()).containsExactly("req-refused-1"));
        assertThat(refused.getMessage()).doesNotContain("req-refused-1");
        assertThat(recorder.events).isEmpty();
    }

    @Test
    void nothingListening_failsAsAConnectionThatWasNotMade() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = probe.getLocalPort();
        }
        CompletableFuture<WebSocketSession> future = webSockets.connect(
                WebSocketRequest.newBuilder(URI.create("ws://127.0.0.1:" + port + "/ws"))
                        .build(),
                new Recorder(true));

        assertThat(failureOf(future)).isInstanceOfAny(ConnectException.class, RequestNotSentException.class);
    }

    @Test
    void aListenerThatAsksForNothing_stopsTheReading_untilItAsksAgain() throws Exception {
        WebSocketServer server = WebSocketServer.startWithSmallBuffers(16 * 1024);
        servers.add(server);
        Recorder recorder = new Recorder(false); // asks for nothing: only the initial one message arrives
        Opened ws = open(server, recorder);
        int frames = 1024;
        byte[] payload = new byte[64 * 1024];
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(
                () -> {
                    try {
                        for (int i = 0; i < frames; i++) {
                            ws.server().send(WebSocketServer.BINARY, true, payload);
                        }
                    } catch (IOException e) {
                        writerFailure.set(e);
                    }
                },
                "tck-ws-writer");
        writer.setDaemon(true);
        writer.start();

        assertThat(recorder.next()).startsWith("binary"); // the one message the initial count allows
        long stalledAt = awaitStall(ws.server());
        assertThat(writer.isAlive()).isTrue();
        // 64 MiB wanted; socket buffers and the transport's own read buffer hold a few MiB at most
        assertThat(stalledAt).isLessThan(16L * MIB);
        assertThat(recorder.events).isEmpty();

        ws.session().request(Long.MAX_VALUE);
        writer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(writer.isAlive()).isFalse();
        assertThat(writerFailure.get()).isNull();
        int received = 1;
        while (received < frames) {
            assertThat(recorder.next()).startsWith("binary");
            received++;
        }
    }

    /** Waits until the server's writes stop progressing (five samples 100 ms apart the same) and returns the count. */
    private static long awaitStall(WebSocketServer.Connection connection) throws InterruptedException {
        long last = -1;
        int same = 0;
        for (int i = 0; i < 300 && same < 5; i++) {
            Thread.sleep(100);
            long now = connection.written();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        if (same < 5) {
            fail("the server's writes never stopped: the transport reads without demand");
        }
        return last;
    }

    @Test
    void receivedData_belongsToTheListener_andIsNotReused() throws Exception {
        // every buffer handed over is kept, with the message it belongs to (a message may come in several parts)
        List<ByteBuffer> kept = new ArrayList<>();
        List<Integer> messageOf = new ArrayList<>();
        AtomicInteger message = new AtomicInteger();
        Recorder recorder = new Recorder(true) {
            @Override
            public void onBinary(ByteBuffer data, boolean last) {
                kept.add(data);
                messageOf.add(last ? message.getAndIncrement() : message.get());
                super.onBinary(data.duplicate(), last);
            }
        };
        Opened ws = open(server(), recorder);

        // many small frames in one write: a transport that hands out slices of its read buffer shows it here
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            byte[] payload = new byte[100];
            Arrays.fill(payload, (byte) i);
            burst.write(WebSocketServer.frame(WebSocketServer.BINARY, true, payload));
        }
        ws.server().sendRaw(burst.toByteArray());
        for (int i = 0; i < 200; i++) {
            assertThat(recorder.binaryMessage()).hasSize(100);
        }

        int total = 0;
        for (int i = 0; i < kept.size(); i++) {
            ByteBuffer buffer = kept.get(i);
            total += buffer.remaining();
            for (int j = buffer.position(); j < buffer.limit(); j++) {
                assertThat(buffer.get(j))
                        .as("part %d of message %d", i, messageOf.get(i))
                        .isEqualTo((byte) (int) messageOf.get(i));
            }
        }
        assertThat(total).isEqualTo(200 * 100);
    }

    @Test
    void abort_closesTheConnection_andTellsTheListenerNothing() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        ws.session().abort();

        assertThat(ws.server().awaitEndOfStream()).isTrue();
        assertThat(recorder.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closingTheTransport_endsOpenSessions() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        transport.close();

        assertThat(ws.server().awaitEndOfStream()).isTrue();
        String event = recorder.next();
        assertThat(event).startsWith("error");
    }

    @Test
    void listenerCalls_neverOverlap() throws Exception {
        Recorder recorder = new Recorder(true);
        Opened ws = open(server(), recorder);

        for (int i = 0; i < 200; i++) {
            ws.server().sendText("m" + i, true);
            if (i % 10 == 0) {
                ws.server().send(WebSocketServer.PING, true, new byte[] {(byte) i});
            }
        }
        ws.server().sendClose(1000, "");
        String event;
        int texts = 0;
        do {
            event = recorder.next();
            if (event.startsWith("text")) {
                texts++;
            }
        } while (!event.startsWith("close"));

        assertThat(texts).isGreaterThanOrEqualTo(200);
        assertThat(recorder.maxConcurrent.get()).isEqualTo(1);
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the future did not fail");
    }

    /**
     * Records what the listener is told, as strings, and asks for one more message after each when {@code
     * keepAsking}.
     */
    private static class Recorder implements WebSocketListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final BlockingQueue<Object> parts = new LinkedBlockingQueue<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        private final boolean keepAsking;
        private volatile WebSocketSession session;

        Recorder(boolean keepAsking) {
            this.keepAsking = keepAsking;
        }

        private void record(String event, boolean message) {
            int now = running.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            events.add(event);
            running.decrementAndGet();
            if (message && keepAsking) {
                session.request(1);
            }
        }

        String next() throws InterruptedException {
            String event = events.poll(20, TimeUnit.SECONDS);
            assertThat(event).as("an event within 20 s").isNotNull();
            return event;
        }

        /** The next text or binary message, its parts joined. */
        String nextWhole() throws InterruptedException {
            StringBuilder text = null;
            java.io.ByteArrayOutputStream bytes = null;
            for (int i = 0; i < 100_000; i++) {
                Object part = parts.poll(20, TimeUnit.SECONDS);
                assertThat(part).as("a message part within 20 s").isNotNull();
                events.poll();
                if (part instanceof TextPart t) {
                    text = text == null ? new StringBuilder() : text;
                    text.append(t.text());
                    if (t.last()) {
                        return "text " + text;
                    }
                } else if (part instanceof BinaryPart b) {
                    bytes = bytes == null ? new java.io.ByteArrayOutputStream() : bytes;
                    bytes.write(b.bytes(), 0, b.bytes().length);
                    if (b.last()) {
                        return "binary " + Arrays.toString(bytes.toByteArray());
                    }
                }
            }
            throw new AssertionError("a message of 100000 parts");
        }

        byte[] binaryMessage() throws InterruptedException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 100_000; i++) {
                Object part = parts.poll(20, TimeUnit.SECONDS);
                assertThat(part).as("a message part within 20 s").isInstanceOf(BinaryPart.class);
                events.poll();
                BinaryPart b = (BinaryPart) part;
                bytes.write(b.bytes(), 0, b.bytes().length);
                if (b.last()) {
                    return bytes.toByteArray();
                }
            }
            throw new AssertionError("a message of 100000 parts");
        }

        List<String> partsOfOneMessage() throws InterruptedException {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                Object part = parts.poll(20, TimeUnit.SECONDS);
                assertThat(part).as("a text part within 20 s").isInstanceOf(TextPart.class);
                events.poll();
                TextPart t = (TextPart) part;
                texts.add(t.text());
                if (t.last()) {
                    return texts;
                }
            }
            throw new AssertionError("a message of 100000 parts");
        }

        @Override
        public void onOpen(WebSocketSession session) {
            this.session = session;
            record("open", false);
        }

        @Override
        public void onText(CharSequence data, boolean last) {
            parts.add(new TextPart(data.toString(), last));
            record("text " + data, true);
        }

        @Override
        public void onBinary(ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            parts.add(new BinaryPart(bytes, last));
            record("binary " + bytes.length, true);
        }

        @Override
        public void onPing(ByteBuffer data) {
            record("ping " + StandardCharsets.UTF_8.decode(data), true);
        }

        @Override
        public void onPong(ByteBuffer data) {
            record("pong " + StandardCharsets.UTF_8.decode(data), true);
        }

        @Override
        public void onClose(int statusCode, String reason) {
            record("close " + statusCode + " " + reason, false);
        }

        @Override
        public void onError(Throwable error) {
            record("error " + error, false);
        }
    }

    private record TextPart(String text, boolean last) {}

    @SuppressWarnings("ArrayRecordComponent") // a test value, never compared
    private record BinaryPart(byte[] bytes, boolean last) {}
}
