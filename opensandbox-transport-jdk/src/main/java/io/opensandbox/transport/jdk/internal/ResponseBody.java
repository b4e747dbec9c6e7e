package io.opensandbox.transport.jdk.internal;

import io.opensandbox.api.internal.JdkHttpFailures;
import io.opensandbox.api.internal.Timer;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The response body: the JDK client's {@link HttpResponse.BodySubscriber} (it receives the body as lists of
 * buffers, see {@link #jdkSubscriber()}) and the single-subscriber {@code Flow.Publisher<ByteBuffer>} of the SPI.
 * Being the JDK's subscriber directly, rather than adapting {@code BodyHandlers.ofPublisher()}, saves a layer of
 * signalling per exchange.
 *
 * <p>Demand: one list is asked of the JDK only when the subscriber has outstanding demand and every buffer of the
 * previous list was delivered, so at most one list is held here and no more buffers are delivered than requested.
 * Signals are delivered by one thread at a time (a drain loop), in order, never after a terminal signal or a cancel.
 * The idle timeout runs only while a list was asked for and has not arrived: a subscriber that asks for nothing is
 * never timed out. Cancelling, closing or timing out cancels the JDK subscription, which closes the connection.
 */
final class ResponseBody implements Flow.Publisher<ByteBuffer> {
    private static final Flow.Subscription NOTHING = new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    private final @Nullable Duration idle;
    private final Timer timer;
    private final Runnable onEnd;

    // all guarded by this
    private Flow.@Nullable Subscriber<? super ByteBuffer> downstream;
    private boolean subscribed;
    private Flow.@Nullable Subscription upstream;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private long demand;
    private boolean upstreamRequested;
    private boolean upstreamDone;
    private @Nullable Throwable upstreamError;
    private @Nullable Throwable abortReason;
    private boolean terminated;
    private boolean ended;
    private boolean emitting;
    private long waitingSince;
    private Timer.@Nullable Task idleCheck;

    private final Upstream jdkSubscriber = new Upstream();

    ResponseBody(@Nullable Duration idle, Timer timer, Runnable onEnd) {
        this.idle = idle;
        this.timer = timer;
        this.onEnd = onEnd;
    }

    /**
     * The subscriber the JDK client delivers the body to; the JDK subscribes it once the response headers arrived.
     *
     * @return the subscriber
     */
    HttpResponse.BodySubscriber<Void> jdkSubscriber() {
        return jdkSubscriber;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        boolean second;
        synchronized (this) {
            second = subscribed;
            if (!second) {
                subscribed = true;
                downstream = subscriber;
                emitting = true; // nothing reaches the subscriber before onSubscribe returned
            }
        }
        if (second) {
            subscriber.onSubscribe(NOTHING);
            subscriber.onError(new IllegalStateException("the response body accepts one subscriber only"));
            return;
        }
        subscriber.onSubscribe(new Subscription());
        loop();
    }

    /**
     * Aborts the body: cancels the JDK subscription (closing the connection), now or when the JDK subscribes, and
     * fails the subscriber, now or when it subscribes. No-op once the body ended.
     *
     * @param reason the failure the subscriber sees
     */
    void abort(Throwable reason) {
        Flow.Subscription toCancel;
        boolean noSubscriber;
        synchronized (this) {
            if (terminated || abortReason != null) {
                return;
            }
            abortReason = reason;
            toCancel = upstream;
            noSubscriber = downstream == null;
        }
        if (toCancel != null) {
            toCancel.cancel(); // else the JDK's onSubscribe cancels, which releases the connection
        }
        if (noSubscriber) {
            ended(); // a later subscriber is failed with the reason
        }
        drain();
    }

    private void drain() {
        synchronized (this) {
            if (emitting) {
                return;
            }
            emitting = true;
        }
        loop();
    }

    /** Emits what the state allows, one signal at a time; exits with {@code emitting} cleared under the lock. */
    private void loop() {
        for (; ; ) {
            Flow.Subscriber<? super ByteBuffer> subscriber;
            ByteBuffer next = null;
            Throwable error = null;
            boolean complete = false;
            Flow.Subscription toRequest = null;
            Flow.Subscription toCancel = null;
            synchronized (this) {
                subscriber = downstream;
                if (terminated || subscriber == null) {
                    emitting = false;
                    break;
                }
                if (abortReason != null) {
                    terminated = true;
                    error = abortReason;
                    toCancel = upstream;
                } else if (upstreamDone && upstreamError != null) {
                    terminated = true;
                    error = upstreamError;
                } else if (demand > 0 && !pending.isEmpty()) {
                    next = pending.poll();
                    if (demand != Long.MAX_VALUE) {
                        demand--;
                    }
                } else if (pending.isEmpty() && upstreamDone) {
                    terminated = true;
                    complete = true;
                } else if (demand > 0 && pending.isEmpty() && !upstreamRequested && upstream != null) {
                    upstreamRequested = true;
                    toRequest = upstream;
                    startWaiting();
                } else {
                    emitting = false;
                    break;
                }
            }
            if (next != null) {
                subscriber.onNext(next);
            } else if (toRequest != null) {
                toRequest.request(1);
            } else if (error != null) {
                if (toCancel != null) {
                    toCancel.cancel();
                }
                ended();
                subscriber.onError(error);
            } else if (complete) {
                ended();
                subscriber.onComplete();
            }
        }
    }

    private void ended() {
        Timer.Task check;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            check = idleCheck;
            idleCheck = null;
            pending.clear();
        }
        if (check != null) {
            check.cancel();
        }
        onEnd.run();
    }

    /** Called under the lock when a list was asked for: the idle clock runs until it arrives. */
    private void startWaiting() {
        waitingSince = System.nanoTime();
        if (idle != null && idleCheck == null) {
            schedule(idle.toNanos());
        }
    }

    private void schedule(long delayNanos) {
        try {
            idleCheck = timer.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            idleCheck = null; // the transport is closing and aborts this body itself
        }
    }

    private void checkIdle() {
        Duration limit = idle;
        if (limit == null) {
            return;
        }
        synchronized (this) {
            idleCheck = null;
            if (terminated || !upstreamRequested) {
                return; // not waiting for the network: the next wait re-arms the check
            }
            long waited = System.nanoTime() - waitingSince;
            if (waited < limit.toNanos()) {
                schedule(limit.toNanos() - waited);
                return;
            }
        }
        abort(new SocketTimeoutException("the response body stalled: no data for " + limit.toMillis() + " ms"));
    }

    /** The subscription handed to the subscriber. */
    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            synchronized (ResponseBody.this) {
                if (terminated) {
                    return;
                }
                if (n <= 0) {
                    if (abortReason == null) {
                        abortReason = new IllegalArgumentException("demand must be positive (rule 3.9): " + n);
                    }
                } else {
                    long sum = demand + n;
                    demand = sum < 0 ? Long.MAX_VALUE : sum;
                }
            }
            drain();
        }

        @Override
        public void cancel() {
            Flow.Subscription toCancel;
            synchronized (ResponseBody.this) {
                if (terminated) {
                    return;
                }
                terminated = true;
                toCancel = upstream;
            }
            if (toCancel != null) {
                toCancel.cancel(); // the JDK closes the connection of a body cancelled before its end
            }
            ended();
        }
    }

    /** The subscriber given to the JDK client. */
    private final class Upstream implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> body = CompletableFuture.completedFuture(null);

        @Override
        public CompletionStage<Void> getBody() {
            return body; // the response is handed over when its headers arrive, the body streams afterwards
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            boolean cancel;
            synchronized (ResponseBody.this) {
                upstream = subscription;
                cancel = terminated || abortReason != null;
            }
            if (cancel) {
                subscription.cancel();
            }
            drain();
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            synchronized (ResponseBody.this) {
                upstreamRequested = false;
                waitingSince = 0;
                if (terminated) {
                    return;
                }
                for (ByteBuffer buffer : buffers) {
                    if (buffer.hasRemaining()) {
                        pending.add(buffer);
                    }
                }
            }
            drain();
        }

        @Override
        public void onError(Throwable throwable) {
            synchronized (ResponseBody.this) {
                upstreamDone = true;
                upstreamError = JdkHttpFailures.map(throwable);
            }
            drain();
        }

        @Override
        public void onComplete() {
            synchronized (ResponseBody.this) {
                upstreamDone = true;
            }
            drain();
        }
    }
}
