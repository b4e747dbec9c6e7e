package io.opensandbox.transport.jdk.internal;

import io.opensandbox.api.internal.Threads;
import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.internal.websocket.JdkWebSockets;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.api.spi.WebSockets;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} on the JDK's {@link HttpClient}: HTTP/1.1, one client (and so one connection pool) per
 * transport, a small fixed pool of worker threads handed to the client as its executor, and one timer thread sweeping
 * the response-headers and idle timeouts (every {@value Timer#TICK_MILLIS} ms, so a timeout fires up to a tick
 * late). {@code HttpRequest.timeout()} is never used: the transport times the
 * headers itself, so that a timeout can never cut a body that is still flowing.
 *
 * <p>Java 17's {@link HttpClient} has no {@code close()}: closing this transport aborts every running exchange,
 * shuts down the worker and timer threads and drops the client, whose selector thread then ends once the client has
 * been garbage collected. On Java 21 and later the client's {@code shutdownNow()} is called as well (found
 * reflectively, since this module is compiled for 17), which ends the selector thread at once.
 *
 * <p>{@link TransportOptions#maxConnections()} is enforced as a limit on exchanges running at once (the JDK client
 * has no connection limit of its own); further sends wait in order for a running exchange to end.
 */
public final class JdkTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(JdkTransport.class);

    private final String name;
    private final TransportOptions options;
    private final ThreadPoolExecutor workers;
    private final Timer timer;
    private volatile @Nullable HttpClient client;
    private final JdkWebSockets webSockets;
    private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private int running;

    private JdkTransport(
            String name, TransportOptions options, HttpClient client, ThreadPoolExecutor workers, Timer timer) {
        this.name = name;
        this.options = options;
        this.client = client;
        this.workers = workers;
        this.timer = timer;
        this.webSockets = JdkWebSockets.on(name, () -> this.client);
    }

    /**
     * Creates a transport.
     *
     * @param name the provider's name
     * @param options the connection settings
     * @return the transport
     */
    public static JdkTransport create(String name, TransportOptions options) {
        Objects.requireNonNull(options, "options");
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ThreadPoolExecutor workers = new ThreadPoolExecutor(
                threads,
                threads,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                new Threads("opensandbox-jdk-", "worker"));
        workers.allowCoreThreadTimeOut(true);
        Timer timer = new Timer(new Threads("opensandbox-jdk-", "timer"));
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(workers)
                .build();
        return new JdkTransport(name, options, client, workers, timer);
    }

    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed.get()) {
            return closedFailure();
        }
        Exchange exchange = new Exchange(this, request);
        exchanges.add(exchange);
        if (closed.get()) {
            exchanges.remove(exchange);
            return closedFailure();
        }
        exchange.admit();
        return exchange.result();
    }

    /**
     * WebSockets on the same {@link HttpClient} ({@code java.net.http.WebSocket}), the shared implementation of the
     * SDK's transports.
     *
     * @return the capability
     */
    @Override
    public Optional<WebSockets> webSockets() {
        return Optional.of(webSockets);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Aborts the running exchanges, ends the worker and timer threads and drops the client. Idempotent. The JDK
     * client's selector thread cannot be stopped on Java 17; it ends after the dropped client is garbage collected
     * (on Java 21 and later {@code HttpClient.shutdownNow()} ends it).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException reason = new IOException("the " + name + " transport was closed");
        List<Exchange> running = new ArrayList<>(exchanges);
        for (Exchange exchange : running) {
            exchange.abort(reason);
        }
        synchronized (waiting) {
            waiting.clear();
        }
        webSockets.close();
        HttpClient dropped = client;
        client = null;
        if (dropped != null) {
            JdkWebSockets.shutDownNow(dropped);
        }
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(2, TimeUnit.SECONDS);
            }
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("closed the {} transport ({} exchanges aborted)", name, running.size());
    }

    /**
     * Starts an exchange now if fewer than {@code maxConnections} are running, else queues it.
     *
     * @param exchange the exchange
     * @return whether it may start now
     */
    boolean acquire(Exchange exchange) {
        synchronized (waiting) {
            if (running < options.maxConnections()) {
                running++;
                exchange.grantSlot();
                return true;
            }
            waiting.add(exchange);
            return false;
        }
    }

    /**
     * Removes a queued exchange that will never start.
     *
     * @param exchange the exchange
     */
    void withdraw(Exchange exchange) {
        synchronized (waiting) {
            waiting.remove(exchange);
        }
    }

    /** Frees a running exchange's slot, starting the next queued exchange in it. */
    void release() {
        Exchange next;
        synchronized (waiting) {
            next = waiting.poll();
            if (next == null) {
                running--;
            } else {
                next.grantSlot();
            }
        }
        if (next != null) {
            next.start();
        }
    }

    @Nullable
    HttpClient client() {
        return client;
    }

    Timer timer() {
        return timer;
    }

    String transportName() {
        return name;
    }

    String userAgent() {
        return options.userAgent();
    }

    void finished(Exchange exchange) {
        exchanges.remove(exchange);
    }

    private CompletableFuture<TransportResponse> closedFailure() {
        return CompletableFuture.failedFuture(new IOException("the " + name + " transport is closed"));
    }

    @Override
    public String toString() {
        return "JdkTransport{" + name + (closed.get() ? ", closed" : "") + "}";
    }
}
