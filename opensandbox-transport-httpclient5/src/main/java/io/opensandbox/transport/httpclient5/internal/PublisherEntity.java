package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.spi.RequestBody;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.jspecify.annotations.Nullable;

/**
 * A streamed request body: subscribes to the publisher once the request head is written and asks it for a buffer
 * only when fewer than {@link #PREFETCH} are queued or requested, so a slow connection slows the publisher instead of
 * filling memory. Chunked when the length is unknown; a known length is checked. With an idle timeout, a body that
 * makes no progress for that long (the publisher owes a buffer, or the server takes none of the queued bytes) fails
 * the exchange with a {@link SocketTimeoutException}. A buffer written whole goes back to the body
 * ({@link RequestBody#releaseBuffer(ByteBuffer)}): HttpClient has copied its bytes to the socket or its own buffer
 * by then, so the publisher may refill it.
 */
final class PublisherEntity implements AsyncEntityProducer, Flow.Subscriber<ByteBuffer> {
    static final int PREFETCH = 4;

    private final Exchange exchange;
    private final RequestBody body;
    private final Flow.Publisher<ByteBuffer> publisher;
    private final long contentLength;
    private final String contentType;
    private final @Nullable Duration idleTimeout;
    private final Timer timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private Flow.@Nullable Subscription subscription;
    private @Nullable DataStreamChannel channel;
    private boolean started;
    private int outstanding;
    private boolean complete;
    private boolean ended;
    private boolean cancelled;
    private long written;
    private long lastProgress;
    private Timer.@Nullable Task idleCheck;

    PublisherEntity(Exchange exchange, RequestBody body, @Nullable Duration idleTimeout, Timer timer) {
        this.exchange = exchange;
        this.body = body;
        this.publisher = body.publisher();
        this.contentLength = body.contentLength();
        this.contentType = body.contentType();
        this.idleTimeout = idleTimeout;
        this.timer = timer;
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public long getContentLength() {
        return contentLength;
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public @Nullable String getContentEncoding() {
        return null;
    }

    @Override
    public boolean isChunked() {
        return contentLength < 0;
    }

    @Override
    public Set<String> getTrailerNames() {
        return Collections.emptySet();
    }

    @Override
    public int available() {
        lock.lock();
        try {
            if (ended || cancelled) {
                return 0;
            }
            if (complete && queue.isEmpty()) {
                return 1;
            }
            long bytes = 0;
            for (ByteBuffer buffer : queue) {
                bytes += buffer.remaining();
            }
            return (int) Math.min(Integer.MAX_VALUE, bytes);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
        boolean subscribe;
        lock.lock();
        try {
            this.channel = channel;
            subscribe = !started;
            started = true;
            if (subscribe) {
                lastProgress = System.nanoTime();
                Duration idle = idleTimeout;
                if (idle != null) {
                    idleCheck = timer.schedule(this::checkIdle, idle.toNanos(), TimeUnit.NANOSECONDS);
                }
            }
        } finally {
            lock.unlock();
        }
        if (subscribe) {
            publisher.subscribe(this);
        }
        // Only the I/O thread calls produce, so only it takes buffers off the queue.
        boolean end = false;
        while (true) {
            ByteBuffer head;
            lock.lock();
            try {
                if (ended || cancelled) {
                    return;
                }
                head = queue.peek();
                if (head == null) {
                    if (complete) {
                        if (contentLength >= 0 && written != contentLength) {
                            throw new IOException("the request body had " + written + " bytes, not the " + contentLength
                                    + " announced");
                        }
                        ended = true;
                        end = true;
                        cancelIdleCheckLocked();
                    }
                    break;
                }
            } finally {
                lock.unlock();
            }
            int n = channel.write(head);
            lock.lock();
            try {
                if (cancelled) {
                    return;
                }
                written += n;
                if (n > 0) {
                    lastProgress = System.nanoTime();
                }
                if (contentLength >= 0 && written > contentLength) {
                    throw new IOException("the request body is longer than the " + contentLength + " bytes announced");
                }
                if (head.hasRemaining()) {
                    break; // the connection is full; HttpClient calls produce again when it can take more
                }
                queue.poll();
            } finally {
                lock.unlock();
            }
            body.releaseBuffer(head);
        }
        if (end) {
            channel.endStream();
            exchange.requestBodySent();
        } else {
            requestMore();
        }
    }

    private void requestMore() {
        Flow.Subscription toRequest = null;
        int more = 0;
        lock.lock();
        try {
            if (!complete && !cancelled && subscription != null) {
                more = PREFETCH - queue.size() - outstanding;
                if (more > 0) {
                    outstanding += more;
                    toRequest = subscription;
                }
            }
        } finally {
            lock.unlock();
        }
        if (toRequest != null) {
            toRequest.request(more);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean cancel;
        lock.lock();
        try {
            cancel = cancelled || this.subscription != null;
            if (!cancel) {
                this.subscription = subscription;
            }
        } finally {
            lock.unlock();
        }
        if (cancel) {
            subscription.cancel();
        } else {
            requestMore();
        }
    }

    @Override
    public void onNext(ByteBuffer buffer) {
        DataStreamChannel toWake;
        lock.lock();
        try {
            if (cancelled || complete) {
                return;
            }
            queue.add(buffer);
            outstanding = Math.max(0, outstanding - 1);
            lastProgress = System.nanoTime();
            toWake = channel;
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            toWake.requestOutput();
        }
    }

    @Override
    public void onError(Throwable failure) {
        lock.lock();
        try {
            if (cancelled || complete) {
                return;
            }
            complete = true;
            cancelled = true;
            queue.clear();
        } finally {
            lock.unlock();
        }
        exchange.abort(new IOException("the request body failed: " + failure, failure));
    }

    @Override
    public void onComplete() {
        DataStreamChannel toWake;
        lock.lock();
        try {
            if (cancelled || complete) {
                return;
            }
            complete = true;
            toWake = channel;
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            toWake.requestOutput();
        }
    }

    /**
     * Fails the exchange when neither the publisher nor the connection moved the body for the idle timeout: the
     * publisher owed a buffer, or the server did not take the bytes queued for it.
     */
    private void checkIdle() {
        Duration idle = idleTimeout;
        if (idle == null) {
            return;
        }
        long silent;
        long sent;
        lock.lock();
        try {
            idleCheck = null;
            if (ended || cancelled) {
                return;
            }
            silent = System.nanoTime() - lastProgress;
            sent = written;
            if (silent < idle.toNanos()) {
                idleCheck = timer.schedule(this::checkIdle, idle.toNanos() - silent, TimeUnit.NANOSECONDS);
                return;
            }
        } finally {
            lock.unlock();
        }
        exchange.abort(new SocketTimeoutException(
                "the request body made no progress for " + idle.toMillis() + " ms (" + sent + " bytes sent)"));
    }

    private void cancelIdleCheckLocked() {
        Timer.Task check = idleCheck;
        if (check != null) {
            check.cancel();
            idleCheck = null;
        }
    }

    @Override
    public void failed(Exception cause) {
        releaseResources();
    }

    @Override
    public void releaseResources() {
        Flow.Subscription toCancel;
        lock.lock();
        try {
            boolean wasDone = complete || cancelled;
            cancelled = true;
            queue.clear();
            cancelIdleCheckLocked();
            toCancel = wasDone ? null : subscription;
        } finally {
            lock.unlock();
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
    }
}
