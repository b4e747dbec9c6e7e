package io.opensandbox.transport.jdk.internal;

import io.opensandbox.api.internal.JdkHttpFailures;
import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response: builds the {@link HttpRequest}, times the response headers, and ties the send
 * future, the upload and the response body together so that any of them aborts the others.
 */
final class Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    private final JdkTransport transport;
    private final TransportRequest request;
    private final CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    private final @Nullable UploadBody upload;
    private final AtomicBoolean slot = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile @Nullable CompletableFuture<HttpResponse<Void>> pending;
    private volatile Timer.@Nullable Task headersTimer;
    private volatile @Nullable JdkResponse response;

    Exchange(JdkTransport transport, TransportRequest request) {
        this.transport = transport;
        this.request = request;
        Optional<RequestBody> body = request.body();
        this.upload = body.isPresent() && body.get().bytes().isEmpty()
                ? new UploadBody(body.get().publisher(), request.idleTimeout().orElse(null), transport.timer(), this)
                : null;
        // the caller cancelling the future aborts the exchange
        CompletableFuture<TransportResponse> unusedAbort = result.whenComplete((response, failure) -> {
            if (failure != null) {
                abortRequest(JdkHttpFailures.map(failure));
            }
        });
    }

    CompletableFuture<TransportResponse> result() {
        return result;
    }

    /** Starts the exchange now or queues it behind the transport's exchange limit; the headers clock runs from here. */
    void admit() {
        if (upload == null) {
            startHeadersTimer();
        }
        if (transport.acquire(this)) {
            start();
        }
    }

    /** Marks the exchange as holding a slot of the transport's exchange limit; called under the transport's lock. */
    void grantSlot() {
        slot.set(true);
    }

    /** Sends the request; called with a slot of the transport's exchange limit held. */
    void start() {
        HttpClient client = transport.client();
        if (result.isDone() || client == null) {
            result.completeExceptionally(new IOException("the " + transport.transportName() + " transport is closed"));
            finish();
            return;
        }
        HttpRequest httpRequest;
        try {
            httpRequest = build();
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new IOException(
                    "the " + transport.transportName() + " transport cannot send " + request + ": " + e.getMessage(),
                    e));
            finish();
            return;
        }
        CompletableFuture<HttpResponse<Void>> future;
        try {
            future = client.sendAsync(httpRequest, this::headersArrived);
        } catch (RuntimeException e) {
            result.completeExceptionally(new IOException("could not send " + request + ": " + e, e));
            finish();
            return;
        }
        pending = future;
        if (result.isCompletedExceptionally()) {
            future.cancel(true); // cancelled, timed out or closed meanwhile (a fast response may have completed it)
        }
        CompletableFuture<?> unusedSent = future.whenComplete(this::sent);
    }

    private HttpRequest build() {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).version(HttpClient.Version.HTTP_1_1);
        boolean userAgent = false;
        boolean contentType = false;
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length") || name.equals("transfer-encoding")) {
                LOG.debug("ignoring the {} header of {}: the framing follows the body", header.getKey(), request);
                continue;
            }
            userAgent |= name.equals("user-agent");
            contentType |= name.equals("content-type");
            for (String value : header.getValue()) {
                try {
                    builder.header(header.getKey(), value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "java.net.http refuses to send the header '" + header.getKey() + "' (" + e.getMessage()
                                    + "); remove it, allow it with the system property"
                                    + " jdk.httpclient.allowRestrictedHeaders, or use the httpclient5 transport",
                            e);
                }
            }
        }
        if (!userAgent) {
            builder.header("User-Agent", transport.userAgent());
        }
        Optional<RequestBody> body = request.body();
        HttpRequest.BodyPublisher publisher;
        if (body.isEmpty()) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else {
            if (!contentType) {
                builder.header("Content-Type", body.get().contentType());
            }
            Optional<ByteBuffer> bytes = body.get().bytes();
            UploadBody streamed = upload;
            if (bytes.isPresent()) {
                ByteBuffer buffer = bytes.get();
                byte[] array = new byte[buffer.remaining()];
                buffer.get(array);
                publisher = HttpRequest.BodyPublishers.ofByteArray(array);
            } else if (streamed != null && body.get().contentLength() > 0) {
                publisher = HttpRequest.BodyPublishers.fromPublisher(
                        streamed, body.get().contentLength());
            } else if (streamed != null) {
                publisher = HttpRequest.BodyPublishers.fromPublisher(streamed);
            } else {
                publisher = HttpRequest.BodyPublishers.noBody();
            }
        }
        if (body.isEmpty() && request.method().equals("GET")) {
            builder.GET();
        } else {
            builder.method(request.method(), publisher);
        }
        return builder.build();
    }

    /**
     * The response headers arrived: hands the response over at once, on the client's worker thread. The future of
     * {@code sendAsync} is not waited for: on Java 17 it completes through {@code CompletableFuture}'s default
     * executor, which on a machine of one or two cores starts a new thread for every completion.
     */
    private HttpResponse.BodySubscriber<Void> headersArrived(HttpResponse.ResponseInfo info) {
        cancelHeadersTimer();
        JdkResponse wrapped = new JdkResponse(info, request.idleTimeout().orElse(null), transport.timer(), this);
        response = wrapped;
        if (!result.complete(wrapped)) {
            wrapped.close(); // cancelled, timed out or closed meanwhile
        }
        return wrapped.jdkSubscriber();
    }

    /** The client's future completed: only a failure before the headers matters (the body reports its own). */
    private void sent(@Nullable HttpResponse<Void> ignored, @Nullable Throwable failure) {
        if (failure == null) {
            return;
        }
        cancelHeadersTimer();
        IOException mapped = JdkHttpFailures.map(failure);
        if (result.completeExceptionally(mapped)) { // unless it already failed (timeout, cancel, close)
            finish();
            return;
        }
        JdkResponse current = response;
        if (current != null) {
            current.abort(mapped); // ends the body, which finishes the exchange
        } else {
            finish();
        }
    }

    /** The streamed upload was completely handed to the client: the response-headers clock starts now. */
    void uploadCompleted() {
        startHeadersTimer();
    }

    /** The streamed upload made no progress within the idle timeout. */
    void uploadStalled(Duration idle) {
        abort(new SocketTimeoutException("the request body made no progress for " + idle.toMillis() + " ms"));
    }

    /**
     * Aborts the exchange, wherever it is.
     *
     * @param reason the failure to report
     */
    void abort(IOException reason) {
        if (result.completeExceptionally(reason)) {
            return; // the whenComplete hook aborts the request
        }
        JdkResponse current = response;
        if (current != null) {
            current.abort(reason);
        }
    }

    private void abortRequest(IOException reason) {
        cancelHeadersTimer();
        UploadBody streamed = upload;
        if (streamed != null) {
            streamed.abort(reason);
        }
        CompletableFuture<?> future = pending;
        if (future != null) {
            future.cancel(true); // since JDK 16 this aborts the exchange and closes its connection
        }
        finish();
    }

    /** The exchange is over (failed, or its body ended): leaves the queue or frees its slot. Idempotent. */
    void finish() {
        if (finished.compareAndSet(false, true)) {
            transport.finished(this);
        }
        transport.withdraw(this);
        if (slot.compareAndSet(true, false)) {
            transport.release();
        }
    }

    private void startHeadersTimer() {
        Duration timeout = request.timeout();
        try {
            headersTimer = transport
                    .timer()
                    .schedule(
                            () -> result.completeExceptionally(new SocketTimeoutException(
                                    "no response headers within " + timeout.toMillis() + " ms")),
                            timeout.toNanos(),
                            TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IOException("the " + transport.transportName() + " transport is closed"));
        }
        if (result.isDone()) {
            cancelHeadersTimer();
        }
    }

    private void cancelHeadersTimer() {
        Timer.Task timer = headersTimer;
        if (timer != null) {
            timer.cancel();
        }
    }
}
