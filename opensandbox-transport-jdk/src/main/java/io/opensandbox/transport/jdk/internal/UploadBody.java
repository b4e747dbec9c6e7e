package io.opensandbox.transport.jdk.internal;

import io.opensandbox.api.internal.Timer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Stands between a streamed request body and the JDK client: tells the exchange when the upload was completely
 * handed over (the response-headers clock starts then), times the upload out when it makes no progress within the
 * idle timeout (the publisher stalls, or the server stops reading so the client stops asking), and can abort it.
 * Signals to the client are serialised; the client's demand passes straight through.
 */
final class UploadBody implements Flow.Publisher<ByteBuffer> {
    private final Flow.Publisher<ByteBuffer> source;
    private final @Nullable Duration idle;
    private final Timer timer;
    private final Exchange exchange;

    private Flow.@Nullable Subscriber<? super ByteBuffer> client;
    private Flow.@Nullable Subscription upstream;
    private boolean done;
    private boolean handedOver;
    private @Nullable IOException abortReason;
    private volatile long lastProgress;
    private volatile Timer.@Nullable Task idleCheck;

    UploadBody(Flow.Publisher<ByteBuffer> source, @Nullable Duration idle, Timer timer, Exchange exchange) {
        this.source = source;
        this.idle = idle;
        this.timer = timer;
        this.exchange = exchange;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        IOException aborted;
        synchronized (this) {
            if (client != null) {
                aborted = new IOException("the request body can be sent only once");
            } else {
                client = subscriber;
                aborted = abortReason;
            }
        }
        if (aborted != null) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            subscriber.onError(aborted);
            return;
        }
        lastProgress = System.nanoTime();
        source.subscribe(new Relay(subscriber));
        scheduleIdleCheck(idle);
    }

    /**
     * Stops the upload: cancels the source and fails the client's subscriber, which aborts the request.
     *
     * @param reason why
     */
    void abort(IOException reason) {
        Flow.Subscription toCancel;
        Flow.Subscriber<? super ByteBuffer> toFail;
        synchronized (this) {
            if (done || abortReason != null) {
                return;
            }
            abortReason = reason;
            done = true;
            toCancel = upstream;
            toFail = client;
            if (toFail != null && handedOver) {
                // serialised with the relay's signals, which hold the same lock
                toFail.onError(reason);
            }
        }
        cancelIdleCheck();
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    private void scheduleIdleCheck(@Nullable Duration delay) {
        if (delay == null) {
            return;
        }
        try {
            idleCheck = timer.schedule(this::checkIdle, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the transport is closing and aborts this exchange itself
        }
    }

    /** The upload ended one way or another: its idle check leaves the timer's sweep at once. */
    private void cancelIdleCheck() {
        Timer.Task check = idleCheck;
        if (check != null) {
            check.cancel();
        }
    }

    private void checkIdle() {
        Duration limit = idle;
        if (limit == null) {
            return;
        }
        synchronized (this) {
            if (done) {
                return;
            }
        }
        long silent = System.nanoTime() - lastProgress;
        if (silent >= limit.toNanos()) {
            exchange.uploadStalled(limit);
        } else {
            scheduleIdleCheck(Duration.ofNanos(limit.toNanos() - silent));
            boolean ended;
            synchronized (this) {
                ended = done;
            }
            if (ended) {
                cancelIdleCheck(); // ended while the check was re-armed
            }
        }
    }

    /** Relays the source's signals to the client, serialised, recording progress. */
    private final class Relay implements Flow.Subscriber<ByteBuffer> {
        private final Flow.Subscriber<? super ByteBuffer> downstream;

        Relay(Flow.Subscriber<? super ByteBuffer> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            Flow.Subscription relayed = new Flow.Subscription() {
                @Override
                public void request(long n) {
                    lastProgress = System.nanoTime();
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    synchronized (UploadBody.this) {
                        done = true;
                    }
                    cancelIdleCheck();
                    subscription.cancel();
                }
            };
            synchronized (UploadBody.this) {
                upstream = subscription;
                handedOver = true;
                downstream.onSubscribe(relayed);
                IOException aborted = abortReason;
                if (!done || aborted == null) {
                    return;
                }
                downstream.onError(aborted); // aborted before the source subscribed
            }
            subscription.cancel();
        }

        @Override
        public void onNext(ByteBuffer item) {
            synchronized (UploadBody.this) {
                if (done) {
                    return;
                }
                lastProgress = System.nanoTime();
                downstream.onNext(item);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            synchronized (UploadBody.this) {
                if (done) {
                    return;
                }
                done = true;
                downstream.onError(throwable);
            }
            cancelIdleCheck();
        }

        @Override
        public void onComplete() {
            synchronized (UploadBody.this) {
                if (done) {
                    return;
                }
                done = true;
                downstream.onComplete();
            }
            cancelIdleCheck();
            exchange.uploadCompleted();
        }
    }
}
