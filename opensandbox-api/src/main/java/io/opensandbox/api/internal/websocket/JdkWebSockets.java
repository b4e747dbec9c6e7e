package io.opensandbox.api.internal.websocket;

import io.opensandbox.api.internal.Threads;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketRequest;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.api.spi.WebSockets;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WebSockets} on {@link java.net.http.WebSocket}: the capability both of the SDK's transports offer. Adapts
 * the JDK's semantics to the SPI contract: binary, ping and pong payloads are copied (the JDK reuses its buffers)
 * and text is copied to a {@code String}; the JDK's demand starts at zero, so one message is requested when the
 * session opens; sends are queued (the JDK refuses a send while another is outstanding); failures are mapped to
 * the SPI's {@link IOException} categories, a refused handshake to a
 * {@link io.opensandbox.api.spi.WebSocketHandshakeException} with at most 64 KiB of its body. The JDK answers pings
 * and echoes a server's close frame itself.
 *
 * <p>Closing it aborts every open session (their listeners are told with an {@link IOException}) and, for a client
 * of its own ({@link #ownClient}), shuts that client down. Thread-safe.
 */
public final class JdkWebSockets implements WebSockets, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdkWebSockets.class);

    private final String transportName;
    private final Supplier<@Nullable HttpClient> clients;
    private final @Nullable Runnable onClose;
    private final Set<JdkSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private JdkWebSockets(String transportName, Supplier<@Nullable HttpClient> clients, @Nullable Runnable onClose) {
        this.transportName = transportName;
        this.clients = clients;
        this.onClose = onClose;
    }

    /**
     * WebSockets through a transport's own {@link HttpClient} (sharing its executor and connection settings).
     *
     * @param transportName the transport's name, for messages
     * @param client the client, or {@code null} once the transport dropped it (then connects fail)
     * @return the capability; close it with the transport
     */
    public static JdkWebSockets on(String transportName, Supplier<@Nullable HttpClient> client) {
        return new JdkWebSockets(transportName, client, null);
    }

    /**
     * WebSockets through an {@link HttpClient} of their own, created on the first connect from the transport's
     * options (its connect timeout), with up to two daemon threads named {@code <prefix>ws-N}; closing shuts the
     * client and its threads down.
     *
     * @param transportName the transport's name, for messages
     * @param options the transport's options
     * @param threadPrefix the prefix of the thread names, such as {@code opensandbox-hc5-}
     * @return the capability; close it with the transport
     */
    public static JdkWebSockets ownClient(String transportName, TransportOptions options, String threadPrefix) {
        OwnClient own = new OwnClient(options, threadPrefix);
        return new JdkWebSockets(transportName, own::get, own::close);
    }

    @Override
    public CompletableFuture<WebSocketSession> connect(WebSocketRequest request, WebSocketListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        HttpClient client = closed ? null : clients.get();
        if (client == null) {
            return CompletableFuture.failedFuture(new IOException("the " + transportName + " transport was closed"));
        }
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(request.connectTimeout());
        try {
            for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
                for (String value : header.getValue()) {
                    builder.header(header.getKey(), value);
                }
            }
        } catch (IllegalArgumentException e) {
            // a header java.net.http reserves for itself (Sec-WebSocket-Key, Upgrade, Host, ...); no value in the text
            return CompletableFuture.failedFuture(new IOException(
                    "the " + transportName + " transport cannot send one of the headers "
                            + request.headers().keySet() + " with a WebSocket handshake: " + e.getMessage(),
                    e));
        }
        JdkSession session = new JdkSession(listener, sessions);
        sessions.add(session);
        if (closed) {
            sessions.remove(session);
            return CompletableFuture.failedFuture(new IOException("the " + transportName + " transport was closed"));
        }
        CompletableFuture<WebSocket> handshake;
        try {
            handshake = builder.buildAsync(request.uri(), session);
        } catch (RuntimeException e) {
            sessions.remove(session);
            return CompletableFuture.failedFuture(
                    new IOException("cannot open a WebSocket to " + request.uri() + ": " + e.getMessage(), e));
        }
        return session.connected(handshake);
    }

    /** Aborts every open session, telling its listener, and shuts down a client of this capability's own. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IOException reason = new IOException("the " + transportName + " transport was closed");
        for (JdkSession session : new ArrayList<>(sessions)) {
            session.fail(reason);
        }
        sessions.clear();
        Runnable shutdown = onClose;
        if (shutdown != null) {
            shutdown.run();
        }
    }

    /**
     * Stops an {@link HttpClient}'s own threads where the running Java has a way ({@code shutdownNow()}, Java
     * 21+, found reflectively since the SDK is compiled for 17); on Java 17 its selector thread ends once the
     * dropped client has been garbage collected.
     *
     * @param client the client
     */
    public static void shutDownNow(HttpClient client) {
        Method shutdownNow;
        try {
            shutdownNow = HttpClient.class.getMethod("shutdownNow");
        } catch (NoSuchMethodException e) {
            LOG.debug("Java {} has no HttpClient.shutdownNow(): the selector thread ends after GC", Runtime.version());
            return;
        }
        try {
            shutdownNow.invoke(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("HttpClient.shutdownNow() failed", e);
        }
    }

    /** An {@link HttpClient} made on first use and shut down on close. */
    private static final class OwnClient {
        private final TransportOptions options;
        private final String threadPrefix;
        private @Nullable HttpClient client;
        private @Nullable ThreadPoolExecutor executor;
        private @Nullable Threads threads;
        private boolean closed;

        OwnClient(TransportOptions options, String threadPrefix) {
            this.options = options;
            this.threadPrefix = threadPrefix;
        }

        synchronized @Nullable HttpClient get() {
            if (closed) {
                return null;
            }
            HttpClient existing = client;
            if (existing != null) {
                return existing;
            }
            Threads factory = new Threads(threadPrefix, "ws");
            ThreadPoolExecutor pool =
                    new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
            pool.allowCoreThreadTimeOut(true);
            HttpClient made = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(options.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(pool)
                    .build();
            threads = factory;
            executor = pool;
            client = made;
            return made;
        }

        void close() {
            HttpClient dropped;
            ThreadPoolExecutor pool;
            Threads factory;
            synchronized (this) {
                closed = true;
                dropped = client;
                pool = executor;
                factory = threads;
                client = null;
                executor = null;
                threads = null;
            }
            if (dropped != null) {
                shutDownNow(dropped);
            }
            if (pool != null) {
                pool.shutdown();
                try {
                    if (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                        pool.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
            if (factory != null) {
                factory.awaitTermination(1, TimeUnit.SECONDS);
            }
        }
    }
}
