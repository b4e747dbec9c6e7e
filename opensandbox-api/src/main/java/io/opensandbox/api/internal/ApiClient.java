package io.opensandbox.api.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.spi.BlockingExchanges;
import io.opensandbox.api.spi.BlockingResponse;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketRequest;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.api.spi.WebSockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls one server (the lifecycle API, or one sandbox endpoint) through a transport: builds URLs by
 * concatenation, adds the headers that server needs, maps error responses and failures to
 * {@link SandboxException}s and logs with secrets redacted. Thread-safe.
 */
public final class ApiClient {
    private static final Logger LOG = LoggerFactory.getLogger(ApiClient.class);

    private final Transports.Lease lease;
    private final Transport transport;
    private final ConnectionConfig config;
    private final String baseUrl;
    private final Map<String, String> headers;

    /**
     * Creates a client.
     *
     * @param lease the lease the calls go through and belong to (closing it ends them)
     * @param config the config (timeouts, custom headers, debug)
     * @param baseUrl the base URL without trailing slash; paths are appended to it
     * @param serverHeaders headers only this server gets (the API key, or an endpoint's headers); they win over
     *     the config's custom headers of the same name
     */
    public ApiClient(
            Transports.Lease lease, ConnectionConfig config, String baseUrl, Map<String, String> serverHeaders) {
        this.lease = lease;
        this.transport = lease.transport();
        this.config = config;
        this.baseUrl = baseUrl;
        Map<String, String> merged = new LinkedHashMap<>(config.headers());
        serverHeaders.forEach((name, value) -> {
            merged.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            merged.put(name, value);
        });
        this.headers = Map.copyOf(merged);
    }

    /**
     * The config this client was made with.
     *
     * @return the config
     */
    public ConnectionConfig config() {
        return config;
    }

    /**
     * A client for one port of a sandbox: the handle's lease, config and endpoint (resolved now).
     *
     * @param handle the handle
     * @param port the port
     * @return the client
     * @throws SandboxException if the handle was not made by the SDK or the endpoint cannot be resolved
     */
    public static ApiClient forPort(SandboxHandle handle, int port) {
        Endpoint endpoint = handle.endpoint(port); // a resolution failure passes through unchanged
        Transports.Lease lease = Handles.lease(handle);
        ConnectionConfig config = handle.connectionConfig();
        return new ApiClient(lease, config, endpoint.baseUrl(config.protocol()), endpoint.headers());
    }

    /**
     * The lease the calls go through: its workers run what must not run on an I/O thread, and closing it ends
     * every call.
     *
     * @return the lease
     */
    public Transports.Lease lease() {
        return lease;
    }

    /**
     * Starts a call.
     *
     * @param method the HTTP method
     * @param pathAndQuery the path under the base URL, starting with {@code /}, already encoded
     * @return the call
     */
    public Call call(String method, String pathAndQuery) {
        return new Call(method, pathAndQuery);
    }

    /**
     * Opens a WebSocket to this server through the transport's {@link WebSockets} capability. The URI is the base
     * URL with {@code http} turned into {@code ws} and {@code https} into {@code wss}, followed by the path; the
     * handshake carries this client's headers and the SDK's {@code User-Agent}, never the API key, and is bounded
     * by the config's connect timeout.
     *
     * <p>The listener is called on the lease's handler threads, one call at a time and in order, never on a
     * transport thread; demand passes through ({@link WebSocketSession#request(long)} asks the transport for more,
     * which reads no more than that), so a slow listener slows the connection instead of filling memory. Failures
     * reach {@link WebSocketListener#onError} as {@link SandboxException}s; closing the lease aborts the connection
     * and tells the listener with a {@link SandboxClosedException}.
     *
     * @param pathAndQuery the path under the base URL, starting with {@code /}, already encoded
     * @param listener told of what the connection receives
     * @return the session once open (completed on a handler thread after {@code onOpen}); failed with a {@link
     *     SandboxException}: a refused handshake mapped by its status and body like an HTTP error (a 404 is a
     *     {@link io.opensandbox.api.NotFoundException}), a connection failure mapped like a call's, code
     *     {@link SandboxError#UNSUPPORTED} when the transport has no WebSockets
     */
    public CompletableFuture<WebSocketSession> openWebSocket(String pathAndQuery, WebSocketListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
        }
        int query = pathAndQuery.indexOf('?');
        String what = "WebSocket GET " + (query < 0 ? pathAndQuery : pathAndQuery.substring(0, query));
        Optional<WebSockets> webSockets = transport.webSockets();
        if (webSockets.isEmpty()) {
            return CompletableFuture.failedFuture(new SandboxException(
                    SandboxError.UNSUPPORTED,
                    what + " needs WebSockets, which the transport '" + transport.name() + "' does not offer; use"
                            + " one that does, such as " + Transports.DEFAULT_ARTIFACT
                            + " or io.opensandbox:opensandbox-transport-jdk"));
        }
        WebSocketRequest request;
        try {
            request = webSocketRequest(pathAndQuery);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        HttpLog.request(config.debug(), "GET", request.uri(), request.headers());
        return new WebSocketRelay(what, listener, lease).connect(webSockets.get(), request);
    }

    private WebSocketRequest webSocketRequest(String pathAndQuery) {
        String scheme;
        if (baseUrl.regionMatches(true, 0, "https://", 0, 8)) {
            scheme = "wss";
        } else if (baseUrl.regionMatches(true, 0, "http://", 0, 7)) {
            scheme = "ws";
        } else {
            throw new InvalidArgumentException(
                    "cannot open a WebSocket under '" + baseUrl + "': not an http(s) URL", null);
        }
        String url = scheme + baseUrl.substring(baseUrl.indexOf(':')) + pathAndQuery;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidArgumentException(
                    "cannot build a URL from '" + baseUrl + "' and '" + pathAndQuery + "': " + e.getMessage(), e);
        }
        WebSocketRequest.Builder builder = WebSocketRequest.newBuilder(uri).connectTimeout(config.connectTimeout());
        headers.forEach((name, value) -> {
            // the API key is for the lifecycle API: a WebSocket goes to a sandbox, which must never see it
            if (!name.equalsIgnoreCase(ConnectionConfig.API_KEY_HEADER) && !name.equalsIgnoreCase("User-Agent")) {
                builder.header(name, value);
            }
        });
        builder.header("User-Agent", Transports.USER_AGENT);
        return builder.build();
    }

    /**
     * A response read whole into memory. A class rather than a record: its body is an array, which a record would
     * compare and hash by identity.
     */
    public static final class Response {
        private final int status;
        private final Map<String, List<String>> headers;
        private final byte[] body;

        Response(int status, Map<String, List<String>> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        /**
         * The HTTP status code.
         *
         * @return the status
         */
        public int status() {
            return status;
        }

        /**
         * The response headers, as the transport delivered them.
         *
         * @return the headers
         */
        public Map<String, List<String>> headers() {
            return headers;
        }

        /**
         * The body, whole; the array is the response's own, not a copy.
         *
         * @return the body bytes
         */
        public byte[] body() {
            return body;
        }

        /**
         * The first value of a header, case-insensitively.
         *
         * @param name the header name
         * @return the value or {@code null}
         */
        public @Nullable String header(String name) {
            return ErrorMapper.header(headers, name);
        }
    }

    /** One request under construction. */
    public final class Call {
        private final String method;
        private final String pathAndQuery;
        private final Map<String, String> callHeaders = new LinkedHashMap<>();
        private @Nullable RequestBody body;
        private Duration timeout = config.requestTimeout();
        private @Nullable Duration idleTimeout;
        private int limit = Bodies.DEFAULT_LIMIT;
        private RetryPolicy retryPolicy = config.retryPolicy();
        private final int[] attemptsMade = {0};
        // the first call made inside an observed SDK operation reports its attempts, status and bytes to it
        private final Observed observation = Observed.claimCurrent();

        private Call(String method, String pathAndQuery) {
            if (!pathAndQuery.startsWith("/")) {
                throw new IllegalArgumentException("path must start with '/': " + pathAndQuery);
            }
            this.method = method;
            this.pathAndQuery = pathAndQuery;
        }

        /**
         * Sends a JSON body.
         *
         * @param value the value to serialise
         * @return this call
         */
        public Call json(Object value) {
            this.body = RequestBody.ofBytes(Json.write(value), "application/json");
            return this;
        }

        /**
         * Sends a body.
         *
         * @param body the body
         * @return this call
         */
        public Call body(RequestBody body) {
            this.body = body;
            return this;
        }

        /**
         * Adds a header for this call only.
         *
         * @param name the name
         * @param value the value
         * @return this call
         */
        public Call header(String name, String value) {
            callHeaders.put(name, value);
            return this;
        }

        /**
         * Overrides the response-headers timeout.
         *
         * @param timeout the timeout
         * @return this call
         */
        public Call timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the body idle timeout (default: the request timeout for buffered calls, the config's stream idle
         * timeout for streams).
         *
         * @param idleTimeout the idle timeout
         * @return this call
         */
        public Call idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Overrides the config's retry policy for this call (for example {@link RetryPolicy#disabled()} for a
         * probe that is itself repeated).
         *
         * @param retryPolicy the policy
         * @return this call
         */
        public Call retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = retryPolicy;
            return this;
        }

        /**
         * Sets the largest body a buffered call accepts.
         *
         * @param limit bytes
         * @return this call
         */
        public Call limit(int limit) {
            this.limit = limit;
            return this;
        }

        /**
         * A description for messages: method and path.
         *
         * @return the description
         */
        public String describe() {
            int query = pathAndQuery.indexOf('?');
            return method + " " + (query < 0 ? pathAndQuery : pathAndQuery.substring(0, query));
        }

        private TransportRequest request(boolean streaming) {
            URI uri;
            try {
                uri = new URI(baseUrl + pathAndQuery);
            } catch (URISyntaxException e) {
                throw new InvalidArgumentException(
                        "cannot build a URL from '" + baseUrl + "' and '" + pathAndQuery + "': " + e.getMessage(), e);
            }
            TransportRequest.Builder builder = TransportRequest.newBuilder(method, uri)
                    .timeout(timeout)
                    .idleTimeout(idleTimeout != null ? idleTimeout : streaming ? config.streamIdleTimeout() : timeout)
                    .body(body);
            headers.forEach(builder::setHeader);
            callHeaders.forEach(builder::setHeader);
            builder.setHeader("User-Agent", Transports.USER_AGENT);
            if (!callHeaders.containsKey("Accept")) {
                builder.setHeader("Accept", streaming ? "*/*" : "application/json");
            }
            RequestBody content = body;
            if (content != null) {
                builder.setHeader("Content-Type", content.contentType());
            }
            return builder.build();
        }

        /**
         * Sends the request and reads the whole response, repeating it as the config's {@link
         * io.opensandbox.api.RetryPolicy} allows. Error statuses fail the future with the mapped exception;
         * transport failures are mapped too.
         *
         * @return the response with a 2xx status
         */
        public CompletableFuture<Response> send() {
            return withRetries(this::sendOnce);
        }

        /**
         * Sends the request and returns the response with its body still unread, for streams. Failures before the
         * response arrived are repeated as the retry policy allows; a response once handed over is never
         * repeated. An error status fails the future with the mapped exception (its body read and closed).
         *
         * @return the open response with a 2xx status; the caller must consume or close it
         */
        public CompletableFuture<TransportResponse> open() {
            return withRetries(this::openOnce);
        }

        private <T> CompletableFuture<T> withRetries(Supplier<CompletableFuture<T>> once) {
            CompletableFuture<T> result = lease.own(describe(), new CompletableFuture<>());
            long deadline = guard(result);
            attempt(once, 1, result, deadline);
            return result;
        }

        /**
         * Ends the call with a {@link SandboxTimeoutException} when the config's call timeout passes first.
         *
         * @return the deadline in {@link System#nanoTime()} terms ({@code Long.MAX_VALUE} without a call timeout)
         */
        private long guard(CompletableFuture<?> result) {
            Duration callTimeout = config.callTimeout().orElse(null);
            if (callTimeout == null) {
                return Long.MAX_VALUE;
            }
            int[] attempts = attemptsMade;
            later(
                    result,
                    callTimeout.toNanos(),
                    () -> result.completeExceptionally(new SandboxTimeoutException(
                                    describe() + " did not finish within its call timeout of " + callTimeout.toMillis()
                                            + " ms",
                                    null)
                            .withAttempts(Math.max(1, attempts[0]))));
            return System.nanoTime() + callTimeout.toNanos();
        }

        /** The wait before the next attempt, or {@code null}: no retry the policy refuses or that would start late. */
        private @Nullable Duration retryDelay(int attempt, SandboxException error, long deadline) {
            RequestBody content = body;
            Duration retryIn =
                    Retries.delay(retryPolicy, method, attempt, error, content == null || content.isRepeatable());
            // no retry that would start after the call's deadline
            return retryIn != null && System.nanoTime() + retryIn.toNanos() - deadline <= 0 ? retryIn : null;
        }

        private void retrying(int attempt, Duration delay, SandboxException error) {
            LOG.debug(
                    "{} failed on attempt {} ({}); retrying in {} ms",
                    describe(),
                    attempt,
                    error.error().code(),
                    delay.toMillis());
            retryPolicy.listener().ifPresent(listener -> listener.onRetry(describe(), attempt, delay, error));
        }

        /** Runs an action on the lease's timer, cancelled when the call completes first. */
        private void later(CompletableFuture<?> result, long nanos, Runnable action) {
            ScheduledFuture<?> task;
            try {
                task = lease.workers().timer().schedule(action, nanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new SandboxClosedException(
                        describe() + " was ended because its sandbox, manager or handle was closed", e));
                return;
            }
            CompletableFuture<?> unused = result.whenComplete((value, failure) -> task.cancel(false));
        }

        private <T> void attempt(
                Supplier<CompletableFuture<T>> once, int attempt, CompletableFuture<T> result, long deadline) {
            attemptsMade[0] = attempt;
            observation.attempt(attempt);
            RequestBody sending = body;
            if (sending != null && sending.contentLength() > 0) {
                observation.sent(sending.contentLength());
            }
            CompletableFuture<T> current;
            try {
                current = once.get();
            } catch (RuntimeException e) {
                result.completeExceptionally(ErrorMapper.fromFailure(e, describe()));
                return;
            }
            CompletableFuture<T> unused = result.whenComplete((value, failure) -> {
                if (failure != null) {
                    current.cancel(true); // cancelled, or out of call time: abort the attempt in flight
                }
            });
            CompletableFuture<T> unused2 = current.whenComplete((value, failure) -> {
                if (failure == null) {
                    if (!result.complete(value) && value instanceof TransportResponse response) {
                        response.close(); // the caller gave up meanwhile
                    }
                    return;
                }
                SandboxException error = ErrorMapper.fromFailure(failure, describe());
                Duration delay = result.isDone() ? null : retryDelay(attempt, error, deadline);
                if (delay == null) {
                    result.completeExceptionally(error.withAttempts(attempt));
                    return;
                }
                retrying(attempt, delay, error);
                later(result, delay.toNanos(), () -> {
                    if (!result.isDone()) {
                        attempt(once, attempt + 1, result, deadline);
                    }
                });
            });
        }

        private CompletableFuture<Response> sendOnce() {
            TransportRequest request = request(false);
            long start = System.nanoTime();
            HttpLog.request(config.debug(), method, request.uri(), request.headers());
            CompletableFuture<TransportResponse> exchange = transport.send(request);
            CompletableFuture<Response> result = exchange.thenCompose(response -> {
                HttpLog.response(
                        config.debug(), method, request.uri(), response.statusCode(), start, response.headers());
                int status = response.statusCode();
                Observed observed = observation;
                observed.status(status);
                if (status / 100 != 2) {
                    // the status is the answer: read at most the start of the body for the message
                    return Bodies.head(response.body()).handle((bytes, failure) -> {
                        response.close();
                        throw ErrorMapper.fromResponse(status, response.headers(), bytes == null ? new byte[0] : bytes);
                    });
                }
                return Bodies.collect(response.body(), limit).thenApply(bytes -> {
                    observed.received(bytes.length);
                    return new Response(status, response.headers(), bytes);
                });
            });
            CompletableFuture<Response> unused = result.whenComplete((response, failure) -> {
                if (result.isCancelled()) {
                    exchange.cancel(true);
                    CompletableFuture<Void> unusedClose = exchange.thenAccept(TransportResponse::close);
                }
            });
            return result;
        }

        private CompletableFuture<TransportResponse> openOnce() {
            TransportRequest request = request(true);
            long start = System.nanoTime();
            HttpLog.request(config.debug(), method, request.uri(), request.headers());
            CompletableFuture<TransportResponse> exchange = transport.send(request);
            CompletableFuture<TransportResponse> result = exchange.thenCompose(response -> {
                int status = response.statusCode();
                observation.status(status);
                HttpLog.response(config.debug(), method, request.uri(), status, start, response.headers());
                if (status / 100 == 2) {
                    return CompletableFuture.completedFuture(response);
                }
                return Bodies.head(response.body()).handle((bytes, failure) -> {
                    response.close();
                    throw ErrorMapper.fromResponse(status, response.headers(), bytes == null ? new byte[0] : bytes);
                });
            });
            CompletableFuture<TransportResponse> unused = result.whenComplete((response, failure) -> {
                if (result.isCancelled()) {
                    exchange.cancel(true);
                    CompletableFuture<Void> unusedClose = exchange.thenAccept(TransportResponse::close);
                }
            });
            return result;
        }

        /**
         * Sends, waits and reads the body as JSON.
         *
         * @param <T> the type
         * @param type the type
         * @return the value
         */
        public <T> T as(Class<T> type) {
            return Json.read(execute().body(), type);
        }

        /**
         * Sends, waits and reads the body as JSON.
         *
         * @param <T> the type
         * @param type the type
         * @return the value
         */
        public <T> T as(TypeReference<T> type) {
            return Json.read(execute().body(), type);
        }

        /**
         * Sends and waits, ignoring the body.
         *
         * @return the response
         */
        public Response execute() {
            RequestBody content = body;
            Optional<BlockingExchanges> blocking = transport.blockingExchanges();
            if (blocking.isPresent() && (content == null || content.bytes().isPresent())) {
                return executeOnCaller(blocking.get());
            }
            return Futures.await(send(), describe());
        }

        /**
         * {@link #send} on the calling thread: the same attempts, retry waits, call timeout and observation, with
         * every exchange run by the transport on this thread. The lease still owns the call: closing it, or the call
         * timeout, completes {@code result}, which aborts the exchange in flight and ends a retry wait.
         */
        private Response executeOnCaller(BlockingExchanges exchanges) {
            CompletableFuture<Response> result = lease.own(describe(), new CompletableFuture<>());
            long deadline = guard(result);
            for (int attempt = 1; ; attempt++) {
                attemptsMade[0] = attempt;
                observation.attempt(attempt);
                RequestBody sending = body;
                if (sending != null && sending.contentLength() > 0) {
                    observation.sent(sending.contentLength());
                }
                SandboxException error;
                try {
                    Response response = exchangeOnce(exchanges, result);
                    if (result.complete(response)) {
                        return response;
                    }
                    error = null; // closed or timed out just as the answer came: that is the outcome
                } catch (SandboxException e) {
                    error = e;
                }
                if (Thread.currentThread().isInterrupted()) {
                    SandboxException interrupted = Futures.interrupted(describe(), null);
                    result.completeExceptionally(interrupted);
                    throw interrupted;
                }
                if (result.isDone() || error == null) {
                    return Futures.await(result, describe()); // throws how the call was ended
                }
                Duration delay = retryDelay(attempt, error, deadline);
                if (delay == null) {
                    SandboxException failed = error.withAttempts(attempt);
                    result.completeExceptionally(failed);
                    throw failed;
                }
                retrying(attempt, delay, error);
                try {
                    result.get(delay.toNanos(), TimeUnit.NANOSECONDS);
                    return Futures.await(result, describe()); // ended while waiting
                } catch (TimeoutException e) {
                    // waited out: next attempt
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    SandboxException interrupted = Futures.interrupted(describe(), e);
                    result.completeExceptionally(interrupted);
                    throw interrupted;
                } catch (ExecutionException | CancellationException e) {
                    throw ErrorMapper.fromFailure(e, describe());
                }
            }
        }

        private Response exchangeOnce(BlockingExchanges exchanges, CompletableFuture<Response> abort) {
            TransportRequest request = request(false);
            long start = System.nanoTime();
            HttpLog.request(config.debug(), method, request.uri(), request.headers());
            try (BlockingResponse response = exchanges.exchange(request, abort)) {
                int status = response.statusCode();
                HttpLog.response(config.debug(), method, request.uri(), status, start, response.headers());
                observation.status(status);
                InputStream in = response.body();
                if (status / 100 != 2) {
                    // the status is the answer: read at most the start of the body for the message
                    byte[] head;
                    try {
                        head = in.readNBytes(Bodies.ERROR_BODY_LIMIT);
                    } catch (IOException e) {
                        head = new byte[0];
                    }
                    throw ErrorMapper.fromResponse(status, response.headers(), head);
                }
                byte[] bytes = in.readNBytes(limit);
                if (bytes.length == limit && in.read() >= 0) {
                    throw Bodies.tooLarge(limit);
                }
                observation.received(bytes.length);
                return new Response(status, response.headers(), bytes);
            } catch (IOException | RuntimeException e) {
                throw ErrorMapper.fromFailure(e, describe());
            }
        }
    }
}
