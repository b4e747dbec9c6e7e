package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.internal.Timer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a response for HttpClient and publishes its body to one subscriber with backpressure.
 *
 * <p>HttpClient reads from the socket only while its input window is open. This consumer opens it (through the
 * {@link CapacityChannel}) only while the subscriber has unmet demand and less than a window is queued: {@link #WINDOW}
 * for a reader that asks for a few buffers, up to {@link #MAX_WINDOW} for one that asks for many. So normally about
 * one window plus one read buffer is held (below: when more is). Each chunk is copied into a buffer that the
 * subscriber owns; a full-sized one ({@link #CHUNK}) that the subscriber gives back
 * ({@link io.opensandbox.api.spi.TransportResponse#releaseBuffer(ByteBuffer)}) is filled again, so a long download
 * reuses the same few buffers. Signals are delivered in order and never concurrently (a work-in-progress counter
 * serialises the drain loop).
 *
 * <p>The window is a bound on what HttpClient asks the kernel for, not on what it hands over: HttpCore 5's HTTP/1.1
 * input loop ({@code AbstractHttp1StreamDuplexer.onInput}, checked in 5.4.4) keeps decoding while its session buffer
 * has data and refills that buffer from the socket as it goes, looking at the window only between input events.
 * When the server writes faster than the subscriber reads, the queue can therefore grow past the window by what the
 * kernel had buffered for the connection (up to {@code net.ipv4.tcp_rmem}'s maximum): 1.4 to 2.9 MiB per stream
 * with 200 lagging command streams on loopback. Capping {@code SO_RCVBUF} would bound it but also the throughput
 * of every download over a long round trip, so it is left to the kernel.
 */
final class ResponseBody implements AsyncResponseConsumer<Void>, Flow.Publisher<ByteBuffer>, Flow.Subscription {
    /** The input window HttpClient starts each response with, and the least this consumer opens it to. */
    static final int WINDOW = 64 * 1024;

    /** The widest window, for readers that ask for many buffers at once (file downloads). */
    static final long MAX_WINDOW = 1024 * 1024;

    /**
     * The size HttpClient usually reads in one go: turns the subscriber's demand into bytes, and is the size of the
     * buffers this body reuses.
     */
    static final int CHUNK = 32 * 1024;

    /** The most released buffers kept for reuse: more than a window and the read-ahead of any SDK reader. */
    private static final int POOL_MAX = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ResponseBody.class);

    private final Exchange exchange;
    private final @Nullable Duration idleTimeout;
    private final Timer timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private final ConcurrentLinkedDeque<ByteBuffer> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger freeCount = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();

    // All guarded by lock.
    private Flow.@Nullable Subscriber<? super ByteBuffer> subscriber;
    private boolean subscribed;
    private long demand;
    private long queuedBytes;
    private long window = WINDOW;
    private @Nullable CapacityChannel capacity;
    private boolean ended;
    private @Nullable Throwable failure;
    private boolean cancelled;
    private boolean terminated;
    private @Nullable FutureCallback<Void> resultCallback;
    private long lastProgress = System.nanoTime();
    private Timer.@Nullable Task idleCheck;

    ResponseBody(Exchange exchange, @Nullable Duration idleTimeout, Timer timer) {
        this.exchange = exchange;
        this.idleTimeout = idleTimeout;
        this.timer = timer;
    }

    // ---- HttpClient side (I/O threads) ----

    @Override
    public void consumeResponse(
            HttpResponse response,
            @Nullable EntityDetails entityDetails,
            HttpContext context,
            FutureCallback<Void> callback) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header header : response.getHeaders()) {
            headers.computeIfAbsent(header.getName(), name -> new ArrayList<>())
                    .add(header.getValue() == null ? "" : header.getValue());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        boolean noBody = entityDetails == null;
        lock.lock();
        try {
            resultCallback = callback;
            if (noBody) {
                ended = true;
            }
        } finally {
            lock.unlock();
        }
        exchange.onHeaders(new Response(response.getCode(), Collections.unmodifiableMap(headers), this));
        if (noBody) {
            callback.completed(null);
            exchange.finish();
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {}

    @Override
    public void updateCapacity(CapacityChannel channel) {
        int grant;
        lock.lock();
        try {
            capacity = channel;
            // HttpClient asks only once its window is used up.
            window = Math.min(window, 0);
            grant = grantLocked();
        } finally {
            lock.unlock();
        }
        open(channel, grant);
    }

    @Override
    public void consume(ByteBuffer src) {
        int n = src.remaining();
        ByteBuffer copy;
        if (n > CHUNK / 2 && n <= CHUNK) { // bulk data: a reusable buffer; small reads get exact ones
            copy = free.poll();
            if (copy == null) {
                copy = ByteBuffer.allocate(CHUNK);
            } else {
                freeCount.decrementAndGet();
            }
        } else {
            copy = ByteBuffer.allocate(n);
        }
        copy.put(src).flip();
        lock.lock();
        try {
            window -= n;
            if (cancelled || terminated || failure != null) {
                return;
            }
            queue.add(copy);
            queuedBytes += n;
            lastProgress = System.nanoTime();
        } finally {
            lock.unlock();
        }
        drain();
    }

    @Override
    public void streamEnd(@Nullable List<? extends Header> trailers) {
        FutureCallback<Void> callback;
        lock.lock();
        try {
            ended = true;
            callback = resultCallback;
            cancelIdleCheckLocked();
        } finally {
            lock.unlock();
        }
        drain();
        if (callback != null) {
            callback.completed(null);
        }
        exchange.finish();
    }

    @Override
    public void failed(Exception cause) {
        exchange.onFailure(cause);
    }

    @Override
    public void releaseResources() {}

    // ---- exchange side ----

    /**
     * Fails the body unless it already ended, failed or was cancelled.
     *
     * @param reason the failure the subscriber sees
     */
    void fail(Throwable reason) {
        lock.lock();
        try {
            if (ended || terminated || cancelled || failure != null) {
                return;
            }
            failure = reason;
            queue.clear();
            queuedBytes = 0;
            cancelIdleCheckLocked();
        } finally {
            lock.unlock();
        }
        drain();
    }

    /**
     * Takes a delivered buffer back for reuse: lock-free, as the reader gives back every buffer while HttpClient
     * fills the next ones. Only full-sized heap buffers are kept, at most {@link #POOL_MAX}; they go with the body.
     *
     * @param buffer a buffer the subscriber is done with
     */
    void release(ByteBuffer buffer) {
        if (buffer.capacity() != CHUNK || buffer.isReadOnly() || buffer.isDirect()) {
            return;
        }
        if (freeCount.incrementAndGet() > POOL_MAX) {
            freeCount.decrementAndGet();
            return;
        }
        buffer.clear();
        free.push(buffer); // the most recently used buffer is filled first: it is still in the cache
    }

    /** Closing the response: aborts the exchange unless the body arrived whole. Idempotent. */
    void closeResponse() {
        boolean abort;
        lock.lock();
        try {
            abort = !ended && !terminated && !cancelled && failure == null;
        } finally {
            lock.unlock();
        }
        if (abort) {
            exchange.abort(new IOException("the response was closed before its body was read to the end"));
        }
    }

    // ---- subscriber side ----

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        boolean first;
        lock.lock();
        try {
            first = !subscribed;
            subscribed = true;
        } finally {
            lock.unlock();
        }
        if (!first) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            s.onError(new IllegalStateException("a response body can be subscribed to only once"));
            return;
        }
        s.onSubscribe(this);
        lock.lock();
        try {
            subscriber = s;
        } finally {
            lock.unlock();
        }
        drain();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            lock.lock();
            try {
                if (terminated || cancelled) {
                    return;
                }
                failure = new IllegalArgumentException("demand must be positive (rule 3.9), was " + n);
                queue.clear();
                queuedBytes = 0;
            } finally {
                lock.unlock();
            }
            exchange.abortNetwork();
            drain();
            return;
        }
        int grant;
        CapacityChannel channel;
        lock.lock();
        try {
            if (terminated || cancelled) {
                return;
            }
            if (demand == 0) {
                lastProgress = System.nanoTime();
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            grant = grantLocked();
            channel = capacity;
            Duration idle = idleTimeout;
            if (idle != null && idleCheck == null && !ended && failure == null) {
                idleCheck = timer.schedule(this::checkIdle, idle.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
        open(channel, grant);
        drain();
    }

    @Override
    public void cancel() {
        boolean abort;
        lock.lock();
        try {
            if (cancelled || terminated) {
                return;
            }
            cancelled = true;
            abort = !ended;
            queue.clear();
            queuedBytes = 0;
            subscriber = null;
            cancelIdleCheckLocked();
        } finally {
            lock.unlock();
        }
        if (abort) {
            exchange.abortNetwork();
        }
    }

    // ---- internals ----

    /** How much to open HttpClient's window now; updates the window as HttpClient will count it. */
    private int grantLocked() {
        if (ended || terminated || cancelled || failure != null || capacity == null || demand == 0) {
            return 0;
        }
        // The subscriber's demand says how much it is ready to take: a reader that asks for many buffers gets a
        // wider window (fewer window updates, each of which wakes HttpClient's I/O thread), one that asks for a few
        // keeps the 64 KiB minimum. Never more than MAX_WINDOW per exchange.
        long limit = demand >= MAX_WINDOW / CHUNK ? MAX_WINDOW : Math.max(WINDOW, demand * CHUNK);
        if (queuedBytes >= limit || window > limit / 2) {
            return 0;
        }
        int grant = (int) (limit - window);
        window += grant;
        return grant;
    }

    private void open(@Nullable CapacityChannel channel, int grant) {
        if (channel == null || grant <= 0) {
            return;
        }
        try {
            channel.update(grant);
        } catch (IOException | RuntimeException e) {
            exchange.onFailure(e);
        }
    }

    private void checkIdle() {
        IOException timeout = null;
        Duration idle = idleTimeout;
        if (idle == null) {
            return;
        }
        lock.lock();
        try {
            idleCheck = null;
            if (terminated || cancelled || ended || failure != null || demand == 0) {
                return; // not waiting for the server; request() arms the check again
            }
            long now = System.nanoTime();
            long silent = queue.isEmpty() ? now - lastProgress : 0;
            if (silent >= idle.toNanos()) {
                timeout = new SocketTimeoutException(
                        "no response body data for " + idle.toMillis() + " ms while the reader was waiting");
            } else {
                idleCheck = timer.schedule(this::checkIdle, idle.toNanos() - silent, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
        if (timeout != null) {
            LOG.debug("response body idle timeout: {}", timeout.getMessage());
            exchange.abort(timeout);
        }
    }

    private void cancelIdleCheckLocked() {
        Timer.Task check = idleCheck;
        if (check != null) {
            check.cancel();
            idleCheck = null;
        }
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (true) {
                Flow.Subscriber<? super ByteBuffer> s;
                ByteBuffer next = null;
                Throwable error = null;
                boolean complete = false;
                int grant = 0;
                CapacityChannel channel = null;
                lock.lock();
                try {
                    s = subscriber;
                    if (s == null || terminated || cancelled) {
                        break;
                    }
                    if (failure != null) {
                        error = failure;
                        terminated = true;
                    } else if (!queue.isEmpty() && demand > 0) {
                        next = queue.poll();
                        queuedBytes -= next.remaining();
                        if (demand != Long.MAX_VALUE) {
                            demand--;
                        }
                        grant = grantLocked();
                        channel = capacity;
                    } else if (queue.isEmpty() && ended) {
                        complete = true;
                        terminated = true;
                    } else {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
                open(channel, grant);
                try {
                    if (error != null) {
                        s.onError(error);
                    } else if (complete) {
                        s.onComplete();
                    } else if (next != null) {
                        s.onNext(next);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("a response body subscriber threw; cancelling the exchange", e);
                    cancel();
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
