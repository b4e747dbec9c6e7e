package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response. Owns the future handed to the caller, the response-headers timer and the
 * HttpClient future through which the exchange is aborted (cancelling that future makes HttpClient mark the
 * connection non-reusable and close it).
 */
final class Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final HttpClient5Transport transport;
    private final TransportRequest request;
    private final CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    private final ResponseBody body;
    private final AtomicReference<@Nullable IOException> abortReason = new AtomicReference<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private boolean networkAborted; // guarded by this
    private @Nullable AsyncExecRuntime runtime; // guarded by this
    private volatile @Nullable Future<Void> httpFuture;
    private volatile Timer.@Nullable Task headerTimer;
    private volatile boolean requestStarted;

    Exchange(HttpClient5Transport transport, TransportRequest request) {
        this.transport = transport;
        this.request = request;
        this.body = new ResponseBody(this, request.idleTimeout().orElse(null), transport.timer());
    }

    /** Copies a request's headers to HttpClient's request, all but the framing ones: framing follows the body. */
    static void copyHeaders(TransportRequest request, HttpRequest target) {
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)
                    || name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)) {
                continue;
            }
            for (String value : header.getValue()) {
                target.addHeader(name, value);
            }
        }
    }

    CompletableFuture<TransportResponse> result() {
        return result;
    }

    void start() {
        BasicHttpRequest httpRequest = new BasicHttpRequest(request.method(), request.uri());
        copyHeaders(request, httpRequest);
        AsyncEntityProducer entity = null;
        Optional<RequestBody> requestBody = request.body();
        if (requestBody.isPresent()) {
            RequestBody content = requestBody.get();
            Optional<ByteBuffer> bytes = content.bytes();
            entity = bytes.isPresent()
                    ? new BytesEntity(bytes.get(), content.contentType())
                    : new PublisherEntity(this, content, request.idleTimeout().orElse(null), transport.timer());
        }
        if (!(entity instanceof PublisherEntity)) {
            // A streamed body starts the clock when it has been sent (requestBodySent): its upload is bounded by
            // the idle timeout, however long it takes.
            startHeadersTimer();
        }
        CompletableFuture<TransportResponse> unused = result.whenComplete((response, failure) -> {
            Timer.Task timer = headerTimer;
            if (timer != null) {
                timer.cancel();
            }
            if (result.isCancelled()) {
                abort(new IOException("the request was cancelled"));
            }
        });
        Future<Void> future;
        try {
            HttpClientContext context = HttpClientContext.create();
            context.setAttribute(AbortHook.EXCHANGE, this);
            future = transport
                    .client()
                    .execute(new Producer(httpRequest, entity), body, context, new FutureCallback<>() {
                        @Override
                        public void completed(@Nullable Void nothing) {}

                        @Override
                        public void failed(Exception cause) {
                            onFailure(cause);
                        }

                        @Override
                        public void cancelled() {
                            onFailure(new IOException("the exchange was aborted"));
                        }
                    });
        } catch (RuntimeException e) {
            onFailure(e);
            return;
        }
        httpFuture = future;
        boolean aborted;
        synchronized (this) {
            aborted = networkAborted;
        }
        if (aborted) {
            future.cancel(true);
        }
    }

    /** Called once a streamed request body has been sent completely. */
    void requestBodySent() {
        startHeadersTimer();
    }

    private void startHeadersTimer() {
        if (result.isDone()) {
            return;
        }
        Timer.Task timer = transport
                .timer()
                .schedule(this::headersTimedOut, request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        headerTimer = timer;
        if (result.isDone()) {
            timer.cancel();
        }
    }

    private void headersTimedOut() {
        if (!result.isDone()) {
            abort(new SocketTimeoutException(
                    "no response headers within " + request.timeout().toMillis() + " ms: " + request.method() + " "
                            + request.uri().getPath()));
        }
    }

    /** The response headers arrived. */
    void onHeaders(TransportResponse response) {
        if (!result.complete(response)) {
            abortNetwork(); // the caller gave up (timeout or cancel) while the headers were on their way
        }
    }

    /**
     * HttpClient reported a failure; maps it once and fails whatever still waits.
     *
     * @param cause the failure
     */
    void onFailure(Throwable cause) {
        IOException reason = abortReason.get();
        if (reason == null) {
            reason = Failures.map(cause, requestStarted);
        }
        result.completeExceptionally(reason);
        body.fail(reason);
        finish();
    }

    /**
     * Aborts the exchange: fails the caller's future (when still waiting) and the body, closes the connection.
     *
     * @param reason what the caller sees
     */
    void abort(IOException reason) {
        abortReason.compareAndSet(null, reason);
        result.completeExceptionally(reason);
        body.fail(reason);
        abortNetwork();
    }

    /**
     * Called by {@link AbortHook} just before the request is written to a connected endpoint.
     *
     * @param execRuntime the runtime holding the endpoint
     * @return {@code false} if the exchange was aborted already (the caller then discards the endpoint)
     */
    synchronized boolean attach(AsyncExecRuntime execRuntime) {
        if (networkAborted) {
            return false;
        }
        runtime = execRuntime;
        requestStarted = true;
        return true;
    }

    /** Closes the connection of the exchange without signalling anyone (the subscriber cancelled). */
    void abortNetwork() {
        AsyncExecRuntime attached;
        synchronized (this) {
            if (networkAborted) {
                return;
            }
            networkAborted = true;
            attached = runtime;
        }
        Future<Void> future = httpFuture;
        if (future != null) {
            future.cancel(true);
        }
        if (attached != null) {
            attached.discardEndpoint(); // closes the connection even when the cancel above was lost
        }
        LOG.debug("aborted {} {}", request.method(), request.uri().getPath());
        finish();
    }

    /** The exchange ended (body complete, failed or aborted). */
    void finish() {
        if (finished.compareAndSet(false, true)) {
            transport.finished(this);
        }
    }

    /** Hands the request and its body to HttpClient. */
    private static final class Producer implements AsyncRequestProducer {
        private final BasicHttpRequest httpRequest;
        private final @Nullable AsyncEntityProducer entity;

        private Producer(BasicHttpRequest httpRequest, @Nullable AsyncEntityProducer entity) {
            this.httpRequest = httpRequest;
            this.entity = entity;
        }

        @Override
        public void sendRequest(RequestChannel channel, HttpContext context) throws HttpException, IOException {
            channel.sendRequest(httpRequest, entity, context);
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public void failed(Exception cause) {
            if (entity != null) {
                entity.failed(cause);
            }
        }

        @Override
        public int available() {
            return entity == null ? 0 : entity.available();
        }

        @Override
        public void produce(DataStreamChannel channel) throws IOException {
            if (entity != null) {
                entity.produce(channel);
            }
        }

        @Override
        public void releaseResources() {
            if (entity != null) {
                entity.releaseResources();
            }
        }
    }
}
