package io.opensandbox.api.internal.websocket;

import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketSession;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: the JDK's listener on one side, the SPI's session on the other. Listener calls are made under
 * this object's lock, so that the transport closing (on another thread) never calls the listener while the JDK
 * does; after the end (close, error, abort) nothing more reaches the listener.
 */
final class JdkSession implements WebSocket.Listener, WebSocketSession {
    private static final Logger LOG = LoggerFactory.getLogger(JdkSession.class);

    private final WebSocketListener listener;
    private final Set<JdkSession> sessions;
    private final CompletableFuture<WebSocketSession> opened = new CompletableFuture<>();
    private volatile @Nullable WebSocket socket;
    /** Guarded by this: whether the listener has been told its last call (or must not be told anything more). */
    private boolean ended;
    /** Guarded by {@code sends}: the last send queued; the JDK allows one outstanding send of each kind. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private final Object sends = new Object();

    JdkSession(WebSocketListener listener, Set<JdkSession> sessions) {
        this.listener = listener;
        this.sessions = sessions;
    }

    /** The session's future: completed once the listener was told {@code onOpen}, failed if the handshake fails. */
    CompletableFuture<WebSocketSession> connected(CompletableFuture<WebSocket> handshake) {
        CompletableFuture<WebSocket> unused = handshake.whenComplete((ws, failure) -> {
            if (failure != null) {
                sessions.remove(this);
                synchronized (this) {
                    ended = true;
                }
                opened.completeExceptionally(WebSocketFailures.map(failure));
            }
        });
        CompletableFuture<WebSocketSession> unused2 = opened.whenComplete((session, failure) -> {
            if (failure != null) {
                handshake.cancel(true);
                CompletableFuture<Void> unusedAbort = handshake.thenAccept(WebSocket::abort);
            }
        });
        return opened;
    }

    // --- the JDK's side

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        boolean told = false;
        synchronized (this) {
            if (!ended) {
                try {
                    listener.onOpen(this);
                    told = true;
                } catch (RuntimeException e) {
                    ended = true;
                    webSocket.abort();
                    sessions.remove(this);
                    opened.completeExceptionally(e);
                    return;
                }
            }
        }
        if (!told || !opened.complete(this)) {
            abortQuietly(webSocket); // ended (transport closed, future cancelled) during the handshake
            return;
        }
        webSocket.request(1); // the JDK's count starts at zero, the SPI's at one
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String text = data.toString(); // the JDK may reuse the characters' buffer
        deliver(() -> listener.onText(text, last));
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer copy = copy(data);
        deliver(() -> listener.onBinary(copy, last));
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        ByteBuffer copy = copy(message); // the JDK has queued the pong already
        deliver(() -> listener.onPing(copy));
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        ByteBuffer copy = copy(message);
        deliver(() -> listener.onPong(copy));
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        sessions.remove(this);
        synchronized (this) {
            if (ended) {
                return null;
            }
            ended = true;
            try {
                listener.onClose(statusCode, reason);
            } catch (RuntimeException e) {
                LOG.debug("a WebSocket listener failed in onClose", e);
            }
        }
        return null; // the JDK then answers with a close frame of the same code, unless one was sent
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        fail(WebSocketFailures.map(error));
    }

    private void deliver(Runnable call) {
        synchronized (this) {
            if (ended) {
                return;
            }
            try {
                call.run();
                return;
            } catch (RuntimeException e) {
                LOG.debug("a WebSocket listener failed; aborting the connection", e);
                ended = true;
                try {
                    listener.onError(e);
                } catch (RuntimeException again) {
                    LOG.debug("a WebSocket listener failed in onError", again);
                }
            }
        }
        sessions.remove(this);
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    /** Ends the session with a failure the listener is told of: a broken connection, or the transport closing. */
    void fail(IOException error) {
        sessions.remove(this);
        boolean tell;
        synchronized (this) {
            tell = !ended && socket != null && opened.isDone() && !opened.isCompletedExceptionally();
            ended = true;
            if (tell) {
                try {
                    listener.onError(error);
                } catch (RuntimeException e) {
                    LOG.debug("a WebSocket listener failed in onError", e);
                }
            }
        }
        opened.completeExceptionally(error);
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data);
        copy.flip();
        return copy;
    }

    private static void abortQuietly(WebSocket webSocket) {
        try {
            webSocket.abort();
        } catch (RuntimeException e) {
            LOG.debug("aborting a WebSocket failed", e);
        }
    }

    // --- the SPI's side

    private WebSocket open() {
        WebSocket ws = socket;
        if (ws == null) {
            throw new IllegalStateException("the WebSocket is not open yet");
        }
        return ws;
    }

    @Override
    public CompletableFuture<Void> sendText(CharSequence data, boolean last) {
        String text = data.toString();
        return queue(() -> open().sendText(text, last));
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data, boolean last) {
        return queue(() -> open().sendBinary(data, last));
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer data) {
        return queue(() -> open().sendPing(data));
    }

    @Override
    public CompletableFuture<Void> sendClose(int statusCode, String reason) {
        return queue(() -> open().sendClose(statusCode, reason));
    }

    /** Runs a send once the previous one completed (the JDK refuses overlapping sends), in call order. */
    private CompletableFuture<Void> queue(Supplier<CompletableFuture<WebSocket>> send) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        // completed once the JDK is done with this send, whatever the caller does with result
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (sends) {
            CompletableFuture<?> previous = lastSend;
            lastSend = written;
            CompletableFuture<?> unused = previous.handle((value, failure) -> {
                CompletableFuture<WebSocket> sent;
                try {
                    sent = send.get();
                } catch (RuntimeException e) {
                    sent = CompletableFuture.failedFuture(e);
                }
                CompletableFuture<WebSocket> unused2 = sent.whenComplete((ws, error) -> {
                    written.complete(null);
                    if (error == null) {
                        result.complete(null);
                    } else {
                        Throwable cause = WebSocketFailures.unwrap(error);
                        result.completeExceptionally(
                                cause instanceof RuntimeException ? cause : WebSocketFailures.map(cause));
                    }
                });
                return null;
            });
        }
        return result;
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("request(" + n + "): n must be positive");
        }
        open().request(n);
    }

    @Override
    public void abort() {
        sessions.remove(this);
        synchronized (this) {
            ended = true;
        }
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }
}
