package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.spi.BlockingExchanges;
import io.opensandbox.api.spi.BlockingResponse;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The transport's {@link BlockingExchanges}: HttpClient 5's classic client, whose exchanges run on the calling
 * thread, over a connection pool of its own (the same limits as the asynchronous one). Its sockets are NIO socket
 * channels in blocking mode rather than plain sockets, because a thread blocked in a channel read is woken by an
 * interrupt (the channel is closed and the read fails), and a plain socket read is not.
 */
final class ClassicExchanges implements BlockingExchanges {
    /** What every exchange runs with; each request adds its own response (socket) timeout. */
    private static final RequestConfig DEFAULTS = RequestConfig.custom()
            .setConnectionRequestTimeout(Timeout.DISABLED)
            .setRedirectsEnabled(false)
            .setAuthenticationEnabled(false)
            .setContentCompressionEnabled(false)
            .setProtocolUpgradeEnabled(false)
            .setExpectContinueEnabled(false)
            .build();

    private final String name;
    private final CloseableHttpClient client;
    private final Timer timer;
    private final AtomicBoolean closed;
    private final Set<Attempt> running = ConcurrentHashMap.newKeySet();

    private ClassicExchanges(String name, CloseableHttpClient client, Timer timer, AtomicBoolean closed) {
        this.name = name;
        this.client = client;
        this.timer = timer;
        this.closed = closed;
    }

    @SuppressWarnings("deprecation") // the one constructor taking an operator on both 5.5 (Spring Boot's) and 5.6
    static ClassicExchanges create(String name, TransportOptions options, Timer timer, AtomicBoolean closed) {
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
                proxy -> SocketChannel.open().socket(),
                DefaultSchemePortResolver.INSTANCE,
                SystemDefaultDnsResolver.INSTANCE,
                RegistryBuilder.<TlsSocketStrategy>create()
                        .register("https", DefaultClientTlsStrategy.createDefault())
                        .build());
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
                operator, PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND, null);
        connections.setMaxTotal(options.maxConnections());
        connections.setDefaultMaxPerRoute(options.maxConnections());
        connections.setDefaultSocketConfig(
                SocketConfig.custom().setTcpNoDelay(true).build());
        connections.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(options.connectTimeout()))
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .build());
        connections.setDefaultTlsConfig(TlsConfig.custom().build());
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(DEFAULTS)
                .addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "opensandbox-abort", new Hook())
                .setUserAgent(options.userAgent())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .build();
        return new ClassicExchanges(name, client, timer, closed);
    }

    @Override
    public BlockingResponse exchange(TransportRequest request, CompletionStage<?> abort) throws IOException {
        if (closed.get()) {
            throw new IOException("the " + name + " transport is closed");
        }
        Attempt attempt = new Attempt(request);
        running.add(attempt);
        if (closed.get()) {
            running.remove(attempt);
            throw new IOException("the " + name + " transport is closed");
        }
        CompletionStage<?> unused = abort.whenComplete(
                (value, failure) -> attempt.abort(new InterruptedIOException("the exchange was aborted")));
        return attempt.run();
    }

    /** Aborts every running exchange and closes the connection pool. */
    void close() {
        for (Attempt attempt : new ArrayList<>(running)) {
            attempt.abort(new IOException("the " + name + " transport was closed"));
        }
        client.close(CloseMode.IMMEDIATE);
    }

    /** One exchange: the request, what aborts it, and its response once there. */
    private final class Attempt implements BlockingResponse {
        private final TransportRequest request;
        private final HttpUriRequestBase http;
        private final HttpClientContext context = HttpClientContext.create();
        private @Nullable IOException aborted;
        private @Nullable ExecRuntime runtime;
        private boolean started;
        private boolean done;
        private boolean ended;
        private @Nullable ClassicHttpResponse response;
        private @Nullable InputStream body;
        private @Nullable Map<String, List<String>> headers;

        Attempt(TransportRequest request) {
            this.request = request;
            this.http = new HttpUriRequestBase(request.method(), request.uri());
            Exchange.copyHeaders(request, http);
            Optional<RequestBody> content = request.body();
            if (content.isPresent()) {
                ByteBuffer bytes = content.get()
                        .bytes()
                        .orElseThrow(() -> new IllegalArgumentException("a blocking exchange needs a body in memory"))
                        .duplicate();
                byte[] array = new byte[bytes.remaining()];
                bytes.get(array);
                http.setEntity(new ByteArrayEntity(array, null));
            }
            Duration idle = request.idleTimeout().orElse(request.timeout());
            http.setConfig(RequestConfig.copy(DEFAULTS)
                    .setResponseTimeout(Timeout.of(idle))
                    .build());
            context.setAttribute(Hook.ATTEMPT, this);
        }

        BlockingResponse run() throws IOException {
            long limit = request.timeout().toNanos();
            Timer.Task deadline = timer.schedule(
                    () -> {
                        if (!hasHeaders()) {
                            abort(new SocketTimeoutException("no response headers within "
                                    + request.timeout().toMillis() + " ms"));
                        }
                    },
                    limit,
                    TimeUnit.NANOSECONDS);
            ClassicHttpResponse answer;
            try {
                answer = client.executeOpen(null, http, context);
            } catch (IOException | RuntimeException e) {
                finish();
                IOException why = reason();
                if (why != null) {
                    throw copy(why, e);
                }
                throw Failures.map(e, wasStarted());
            } finally {
                deadline.cancel();
            }
            HttpEntity entity = answer.getEntity();
            InputStream stream;
            try {
                stream = entity == null ? InputStream.nullInputStream() : entity.getContent();
            } catch (IOException | RuntimeException e) {
                closeQuietly(answer);
                finish();
                throw Failures.map(e, true);
            }
            Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Header header : answer.getHeaders()) {
                map.computeIfAbsent(header.getName(), k -> new ArrayList<>()).add(header.getValue());
            }
            map.replaceAll((k, values) -> List.copyOf(values));
            IOException why;
            synchronized (this) {
                response = answer;
                headers = Collections.unmodifiableMap(map);
                body = new Body(stream);
                why = aborted;
            }
            if (why != null) {
                close();
                throw copy(why, null);
            }
            return this;
        }

        private synchronized boolean hasHeaders() {
            return response != null;
        }

        private synchronized @Nullable IOException reason() {
            return aborted;
        }

        private synchronized boolean wasStarted() {
            return started;
        }

        /** Called by the chain just before the request goes out; false if the exchange was aborted before. */
        synchronized boolean attach(ExecRuntime execRuntime) {
            runtime = execRuntime;
            started = true;
            return aborted == null;
        }

        void abort(IOException reason) {
            ExecRuntime execRuntime;
            synchronized (this) {
                if (done || aborted != null) {
                    return;
                }
                aborted = reason;
                execRuntime = runtime;
            }
            http.cancel();
            if (execRuntime != null) {
                execRuntime.discardEndpoint(); // closes the connection under a blocked read
            }
        }

        private void finish() {
            synchronized (this) {
                done = true;
            }
            running.remove(this);
        }

        @Override
        public int statusCode() {
            return requireResponse().getCode();
        }

        @Override
        public synchronized Map<String, List<String>> headers() {
            Map<String, List<String>> map = headers;
            if (map == null) {
                throw new IllegalStateException("no response yet");
            }
            return map;
        }

        @Override
        public synchronized InputStream body() {
            InputStream stream = body;
            if (stream == null) {
                throw new IllegalStateException("no response yet");
            }
            return stream;
        }

        private synchronized ClassicHttpResponse requireResponse() {
            ClassicHttpResponse answer = response;
            if (answer == null) {
                throw new IllegalStateException("no response yet");
            }
            return answer;
        }

        @Override
        public void close() {
            ClassicHttpResponse answer;
            ExecRuntime execRuntime;
            boolean whole;
            synchronized (this) {
                if (done) {
                    return;
                }
                answer = response;
                execRuntime = runtime;
                whole = ended;
            }
            if (!whole && execRuntime != null) {
                // HttpClient would read the rest of the body to keep the connection, however large it is: drop the
                // connection instead
                execRuntime.discardEndpoint();
            }
            if (answer != null) {
                closeQuietly(answer); // a body read to its end has already given the connection back
            }
            finish();
        }

        private synchronized void ended() {
            ended = true;
        }

        /** The body stream: failures after an abort say why the exchange was aborted. */
        private final class Body extends InputStream {
            private final InputStream in;

            Body(InputStream in) {
                this.in = in;
            }

            @Override
            public int read() throws IOException {
                try {
                    return counted(in.read());
                } catch (IOException | RuntimeException e) {
                    throw failure(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return len == 0 ? 0 : counted(in.read(b, off, len));
                } catch (IOException | RuntimeException e) {
                    throw failure(e);
                }
            }

            private int counted(int result) {
                if (result < 0) {
                    ended();
                }
                return result;
            }

            private IOException failure(Exception e) {
                IOException why = reason();
                return why != null ? copy(why, e) : Failures.map(e, true);
            }

            @Override
            public void close() {
                Attempt.this.close();
            }
        }
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException e) {
            // the connection is discarded either way
        }
    }

    /** A fresh exception of the abort's type and message, so each caller gets its own stack. */
    private static IOException copy(IOException reason, @Nullable Throwable cause) {
        IOException copy = reason instanceof SocketTimeoutException
                ? new SocketTimeoutException(reason.getMessage())
                : reason instanceof InterruptedIOException
                        ? new InterruptedIOException(reason.getMessage())
                        : new IOException(reason.getMessage());
        if (cause != null) {
            copy.initCause(cause);
        }
        return copy;
    }

    /**
     * The step of the classic chain just before the request is written: it hands the exchange HttpClient's
     * {@link ExecRuntime}, through which an abort closes the connection under a blocked read.
     */
    private static final class Hook implements ExecChainHandler {
        static final String ATTEMPT = "io.opensandbox.transport.httpclient5.attempt";

        @Override
        public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
                throws IOException, HttpException {
            Object attribute = scope.clientContext.getAttribute(ATTEMPT);
            if (attribute instanceof Attempt attempt && !attempt.attach(scope.execRuntime)) {
                scope.execRuntime.discardEndpoint();
                throw new InterruptedIOException("the exchange was aborted");
            }
            return chain.proceed(request, scope);
        }
    }
}
