package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.internal.Threads;
import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.internal.websocket.JdkWebSockets;
import io.opensandbox.api.spi.BlockingExchanges;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.api.spi.WebSockets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} on the asynchronous Apache HttpClient 5: HTTP/1.1, one pooled connection manager, a small
 * fixed number of I/O threads and one timer thread for the response-headers and idle timeouts. HttpClient's own
 * socket and response timeouts are switched off: they would also fire while a slow reader holds the input suspended.
 *
 * <p>The futures from {@link #send} complete, and response body signals arrive, on the transport's I/O threads:
 * callers must hand blocking work to their own threads (as the SDK's blocking readers do) rather than block there.
 */
public final class HttpClient5Transport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(HttpClient5Transport.class);

    private final String name;
    private final CloseableHttpAsyncClient client;
    private final ClassicExchanges classic;
    private final JdkWebSockets webSockets;
    private final Timer timer;
    private final Threads clientThreads;
    private final Threads timerThreads;
    private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed;

    private HttpClient5Transport(
            String name,
            CloseableHttpAsyncClient client,
            ClassicExchanges classic,
            JdkWebSockets webSockets,
            Timer timer,
            Threads clientThreads,
            Threads timerThreads,
            AtomicBoolean closed) {
        this.name = name;
        this.closed = closed;
        this.client = client;
        this.classic = classic;
        this.webSockets = webSockets;
        this.timer = timer;
        this.clientThreads = clientThreads;
        this.timerThreads = timerThreads;
    }

    /**
     * Creates and starts a transport.
     *
     * @param name the provider's name
     * @param options the connection settings
     * @return the running transport
     */
    public static HttpClient5Transport create(String name, TransportOptions options) {
        Objects.requireNonNull(options, "options");
        int maxConnections = options.maxConnections();
        PoolingAsyncClientConnectionManager connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(options.connectTimeout()))
                        .setSocketTimeout(Timeout.DISABLED)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .setDefaultTlsConfig(TlsConfig.custom()
                        .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                        .build())
                .build();
        Threads clientThreads = new Threads("opensandbox-hc5-", "io");
        Threads timerThreads = new Threads("opensandbox-hc5-", "timer");
        AtomicBoolean closed = new AtomicBoolean();
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(connections)
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(
                                Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())))
                        .setSoTimeout(Timeout.DISABLED)
                        .setTcpNoDelay(true)
                        .build())
                .setHttp1Config(Http1Config.custom()
                        .setInitialWindowSize(ResponseBody.WINDOW)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.DISABLED)
                        .setResponseTimeout(Timeout.DISABLED)
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .setContentCompressionEnabled(false)
                        .setProtocolUpgradeEnabled(false)
                        .setExpectContinueEnabled(false)
                        .setHardCancellationEnabled(true)
                        .build())
                .addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "opensandbox-abort", new AbortHook())
                .replaceExecInterceptor(ChainElement.PROTOCOL.name(), new DirectProtocolStep())
                .setThreadFactory(clientThreads)
                .setIoReactorExceptionCallback(failure -> {
                    // An immediate shutdown closes the selectors under the I/O threads; what they report then is noise.
                    if (closed.get()) {
                        LOG.debug("I/O reactor failure while closing: {}", failure.toString());
                    } else {
                        LOG.warn("I/O reactor failure", failure);
                    }
                })
                .setUserAgent(options.userAgent())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                // No disableContentCompression(): it is new in HttpClient 5.6, and Spring Boot 3.5 and 4.0 manage
                // 5.5, where the call fails with NoSuchMethodError. The request config above already turns
                // content compression off on every version.
                .disableConnectionState()
                .build();
        Timer timer = new Timer(timerThreads);
        ClassicExchanges classic = ClassicExchanges.create(name, options, timer, closed);
        // HttpClient 5's own WebSocket module is an alpha release: WebSockets go through java.net.http (ADR 0053)
        JdkWebSockets webSockets = JdkWebSockets.ownClient(name, options, "opensandbox-hc5-");
        client.start();
        return new HttpClient5Transport(name, client, classic, webSockets, timer, clientThreads, timerThreads, closed);
    }

    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IOException("the " + name + " transport is closed"));
        }
        Exchange exchange = new Exchange(this, request);
        exchanges.add(exchange);
        if (closed.get()) {
            exchanges.remove(exchange);
            return CompletableFuture.failedFuture(new IOException("the " + name + " transport is closed"));
        }
        exchange.start();
        return exchange.result();
    }

    /**
     * Exchanges on the calling thread, through HttpClient's classic client: what the SDK's blocking calls with small
     * bodies use, since they then skip the two thread hand-overs of an asynchronous exchange.
     */
    @Override
    public Optional<BlockingExchanges> blockingExchanges() {
        return Optional.of(classic);
    }

    /**
     * WebSockets through a {@code java.net.http} client of the transport's own, made on the first connect with the
     * transport's connect timeout and closed with it (HttpClient 5's WebSocket support is an alpha release).
     */
    @Override
    public Optional<WebSockets> webSockets() {
        return Optional.of(webSockets);
    }

    @Override
    public String name() {
        return name;
    }

    /** Aborts the running exchanges, shuts HttpClient down at once and waits briefly for its threads to end. */
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
        classic.close();
        webSockets.close();
        client.close(CloseMode.IMMEDIATE);
        timer.shutdownNow();
        clientThreads.awaitTermination(5, TimeUnit.SECONDS);
        timerThreads.awaitTermination(1, TimeUnit.SECONDS);
        LOG.debug("closed the {} transport ({} exchanges aborted)", name, running.size());
    }

    CloseableHttpAsyncClient client() {
        return client;
    }

    Timer timer() {
        return timer;
    }

    void finished(Exchange exchange) {
        exchanges.remove(exchange);
    }

    @Override
    public String toString() {
        return "HttpClient5Transport{" + name + (closed.get() ? ", closed" : "") + "}";
    }
}
