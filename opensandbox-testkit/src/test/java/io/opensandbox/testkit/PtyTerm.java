package io.opensandbox.testkit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** A PTY WebSocket client for the tests, on the JDK's {@code java.net.http.WebSocket}; records every frame. */
final class PtyTerm implements WebSocket.Listener {
    /** A whole message from the server: binary (channel byte first), text, or the close. */
    record Frame(char kind, byte[] data, String text, int closeCode) {
        int channel() {
            return data.length == 0 ? -1 : data[0] & 0xFF;
        }

        /** The replay offset (channel 3) or -1. */
        long replayOffset() {
            return channel() == 3 ? ByteBuffer.wrap(data, 1, 8).getLong() : -1;
        }

        /** The output bytes of a channel 1/2/3 frame. */
        byte[] payload() {
            int skip = channel() == 3 ? 9 : 1;
            byte[] out = new byte[data.length - skip];
            System.arraycopy(data, skip, out, 0, out.length);
            return out;
        }
    }

    private final List<Frame> frames = new ArrayList<>();
    private final ByteArrayOutputStream partBin = new ByteArrayOutputStream();
    private final StringBuilder partText = new StringBuilder();
    private int pings;
    WebSocket ws;

    static String wsUrl(TestClient.Endpoint ep, String sessionId, String query) {
        return ep.base().replaceFirst("^http", "ws") + "/pty/" + sessionId + "/ws"
                + (query.isEmpty() ? "" : "?" + query);
    }

    /** Connects; the future fails with the handshake's error (a {@code WebSocketHandshakeException} for a refusal). */
    static CompletableFuture<PtyTerm> open(HttpClient http, TestClient.Endpoint ep, String sessionId, String query) {
        PtyTerm t = new PtyTerm();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        ep.headers().forEach(b::header);
        return b.buildAsync(URI.create(wsUrl(ep, sessionId, query)), t).thenApply(w -> {
            t.ws = w;
            return t;
        });
    }

    static PtyTerm connect(HttpClient http, TestClient.Endpoint ep, String sessionId, String query) {
        try {
            return open(http, ep, sessionId, query).get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            String detail = e.getCause() instanceof java.net.http.WebSocketHandshakeException h
                    ? h + " / " + h.getCause() + " / " + h.getResponse().statusCode() + " "
                            + h.getResponse().headers().map() + " "
                            + h.getResponse().body()
                    : String.valueOf(e.getCause());
            throw new AssertionError("WebSocket connect failed: " + detail, e);
        } catch (TimeoutException e) {
            throw new AssertionError("WebSocket connect timed out", e);
        }
    }

    @Override
    public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partBin.write(b, 0, b.length);
        if (last) {
            frames.add(new Frame('b', partBin.toByteArray(), "", 0));
            partBin.reset();
            notifyAll();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public synchronized CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partText.append(data);
        if (last) {
            frames.add(new Frame('t', new byte[0], partText.toString(), 0));
            partText.setLength(0);
            notifyAll();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public synchronized CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings++;
        notifyAll();
        webSocket.request(1);
        return null;
    }

    @Override
    public synchronized CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        frames.add(new Frame('c', new byte[0], reason, statusCode));
        notifyAll();
        return null;
    }

    @Override
    public synchronized void onError(WebSocket webSocket, Throwable error) {
        frames.add(new Frame('e', new byte[0], String.valueOf(error), -1));
        notifyAll();
    }

    synchronized List<Frame> frames() {
        return List.copyOf(frames);
    }

    synchronized int pings() {
        return pings;
    }

    /** Output bytes (channels 1 and 3) as text. */
    synchronized String stdout() {
        return channelText(1);
    }

    synchronized String channelText(int channel) {
        StringBuilder b = new StringBuilder();
        for (Frame f : frames) {
            if (f.kind() == 'b' && (f.channel() == channel || (channel == 1 && f.channel() == 3))) {
                b.append(new String(f.payload(), StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }

    /** Output bytes received so far (channels 1, 2 and 3), the next {@code since}. */
    synchronized long received() {
        long n = 0;
        for (Frame f : frames) {
            if (f.kind() == 'b' && f.channel() >= 1 && f.channel() <= 3) {
                n += f.payload().length;
            }
        }
        return n;
    }

    /** Waits until {@code done} holds for this terminal, at most {@code seconds}; fails with the frames otherwise. */
    synchronized void await(Predicate<PtyTerm> done, int seconds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        "timed out waiting for " + what + "; output so far: " + stdout() + "; frames: " + describe());
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    void awaitOutput(String contained, int seconds) {
        await(t -> t.stdout().contains(contained), seconds, "output containing '" + contained + "'");
    }

    synchronized String describe() {
        StringBuilder b = new StringBuilder();
        for (Frame f : frames) {
            switch (f.kind()) {
                case 'b' ->
                    b.append("[bin ch")
                            .append(f.channel())
                            .append(' ')
                            .append(f.data().length)
                            .append("B]");
                case 't' -> b.append("[text ").append(f.text().trim()).append(']');
                case 'c' ->
                    b.append("[close ")
                            .append(f.closeCode())
                            .append(' ')
                            .append(f.text())
                            .append(']');
                default -> b.append("[error ").append(f.text()).append(']');
            }
        }
        return b.toString();
    }

    /** The text frames, each as sent (execd ends each JSON frame with a newline). */
    synchronized List<String> texts() {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            if (f.kind() == 't') {
                out.add(f.text());
            }
        }
        return out;
    }

    synchronized Frame close() {
        for (Frame f : frames) {
            if (f.kind() == 'c') {
                return f;
            }
        }
        return null;
    }

    void type(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(1 + b.length);
        buf.put((byte) 0).put(b).flip();
        ws.sendBinary(buf, true).join();
    }

    void sendText(String json) {
        ws.sendText(json, true).join();
    }
}
