package io.opensandbox.pty;

import io.opensandbox.api.spi.WebSocketSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A WebSocket session that records what is sent and how much is asked for; sends complete at once. */
final class FakeWebSocketSession implements WebSocketSession {
    final List<String> texts = new ArrayList<>();
    final List<byte[]> binaries = new ArrayList<>();
    final List<Integer> closes = new ArrayList<>();
    long requested = 1; // the demand rule: one when the session opens
    boolean aborted;
    RuntimeException sendFailure;

    @Override
    public synchronized CompletableFuture<Void> sendText(CharSequence data, boolean last) {
        if (sendFailure != null) {
            return CompletableFuture.failedFuture(sendFailure);
        }
        texts.add(data.toString());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> sendBinary(ByteBuffer data, boolean last) {
        if (sendFailure != null) {
            return CompletableFuture.failedFuture(sendFailure);
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binaries.add(bytes);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> sendClose(int statusCode, String reason) {
        closes.add(statusCode);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized void request(long n) {
        requested += n;
    }

    @Override
    public synchronized void abort() {
        aborted = true;
    }

    synchronized long requested() {
        return requested;
    }
}
