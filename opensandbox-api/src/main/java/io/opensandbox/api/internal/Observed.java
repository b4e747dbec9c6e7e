package io.opensandbox.api.internal;

import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.CallOutcome;
import io.opensandbox.api.CallStart;
import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.internal.stream.Workers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SDK operation as the config's {@link CallListener} sees it: started by a public SDK method on the caller's
 * thread, told of each attempt, status and byte count by the first {@link ApiClient} call made inside it, ended
 * exactly once. Only public methods start operations (so a listener is never started on an I/O thread, even for
 * the calls the SDK makes from its own continuations); while an operation's body runs on the caller's thread, the
 * first HTTP call {@linkplain #claimCurrent(Workers) claims} it. With {@link CallListener#NONE} (the default) every method
 * is a no-op and nothing is allocated per call.
 *
 * <p>What a listener throws is logged at debug level and dropped. Notifications are told in order, one at a time:
 * on the caller's thread when it is the one that has them to tell, otherwise (an async form completing on a
 * transport thread, a retry started by the timer, a stream ended by the lease) on the handler threads of the
 * lease whose call claimed the operation ({@link Workers#handlers()}), so a listener never runs on a transport
 * I/O thread, the timer or the common pool. When those are already shut down (the lease was closed by the
 * failure being reported), a short-lived {@code opensandbox-observer} thread tells it.
 */
public final class Observed {
    private static final Logger LOG = LoggerFactory.getLogger(Observed.class);
    private static final ThreadLocal<@Nullable Observed> CURRENT = new ThreadLocal<>();
    private static final Observed NONE = new Observed(null, CallStart.of("none", null), CallObserver.NONE);

    private final @Nullable CallListener listener;
    private final CallStart start;
    private final CallObserver observer;
    private final long startNanos = System.nanoTime();
    private final Thread caller = Thread.currentThread();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger status = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    // notifications not yet told, in order; guarded by itself
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean telling; // guarded by pending
    private volatile @Nullable Executor executor;

    private Observed(@Nullable CallListener listener, CallStart start, CallObserver observer) {
        this.listener = listener;
        this.start = start;
        this.observer = observer;
    }

    /**
     * Starts observing an operation, on the caller's thread.
     *
     * @param config the config whose listener is told
     * @param operation the operation's name, such as {@code sandbox.create}
     * @param sandboxId the sandbox it is about, or {@code null}
     * @return the observation; a shared no-op one when the config has no listener
     */
    private static Observed start(ConnectionConfig config, String operation, @Nullable String sandboxId) {
        CallListener listener = config.callListener();
        if (listener == CallListener.NONE) {
            return NONE;
        }
        CallStart start = CallStart.of(operation, sandboxId);
        CallObserver observer;
        try {
            observer = listener.callStarted(start);
        } catch (RuntimeException e) {
            LOG.debug(
                    "call listener {} failed on start of {}",
                    listener.getClass().getName(),
                    operation,
                    e);
            observer = CallObserver.NONE;
        }
        return new Observed(listener, start, observer);
    }

    /**
     * Claims the operation whose body is running on this thread for the HTTP call being made: the first call
     * made inside an operation reports its attempts, status and bytes to it; later ones (an endpoint lookup, a
     * readiness ping inside {@code sandbox.create}) and calls made outside any operation report nothing.
     *
     * @param workers the workers of the lease the call goes through: their handler threads tell what happens off
     *     the caller's thread
     * @return the operation to report to, or the no-op observation
     */
    public static Observed claimCurrent(Workers workers) {
        Observed current = CURRENT.get();
        if (current != null && current.claimed.compareAndSet(false, true)) {
            current.bindTo(workers.handlers());
            return current;
        }
        return NONE;
    }

    /**
     * The operation whose body is running on this thread, without claiming it: for the code that reports the
     * bytes of a transfer the transport cannot count.
     *
     * @return the operation, or the no-op observation
     */
    public static Observed current() {
        Observed current = CURRENT.get();
        return current != null ? current : NONE;
    }

    /**
     * Sets where notifications made off the caller's thread are told, unless a claiming call set it already.
     *
     * @param handlers the executor (a lease's handler threads)
     * @return this observation
     */
    public Observed bindTo(Executor handlers) {
        if (this != NONE && executor == null) {
            executor = handlers;
        }
        return this;
    }

    /**
     * Runs a blocking operation observed: started before, ended after, current while it runs.
     *
     * @param <T> the result type
     * @param config the config whose listener is told
     * @param operation the operation's name
     * @param sandboxId the sandbox it is about, or {@code null}
     * @param body the operation
     * @return what the body returned
     */
    public static <T> T run(ConnectionConfig config, String operation, @Nullable String sandboxId, Supplier<T> body) {
        Observed observed = start(config, operation, sandboxId);
        if (observed == NONE) {
            return body.get();
        }
        @Nullable Observed outer = CURRENT.get();
        CURRENT.set(observed);
        try {
            T value = body.get();
            observed.end(null);
            return value;
        } catch (RuntimeException | Error e) {
            observed.end(e);
            throw e;
        } finally {
            CURRENT.set(outer);
        }
    }

    /**
     * Runs an asynchronous operation observed: started now, current while {@code body} builds the future, ended
     * when the future completes.
     *
     * @param <T> the result type
     * @param config the config whose listener is told
     * @param operation the operation's name
     * @param sandboxId the sandbox it is about, or {@code null}
     * @param body starts the operation
     * @return the body's future
     */
    public static <T> CompletableFuture<T> runAsync(
            ConnectionConfig config,
            String operation,
            @Nullable String sandboxId,
            Supplier<CompletableFuture<T>> body) {
        Observed observed = start(config, operation, sandboxId);
        if (observed == NONE) {
            return body.get();
        }
        @Nullable Observed outer = CURRENT.get();
        CURRENT.set(observed);
        CompletableFuture<T> future;
        try {
            future = body.get();
        } catch (RuntimeException | Error e) {
            observed.end(e);
            throw e;
        } finally {
            CURRENT.set(outer);
        }
        CompletableFuture<T> unused = future.whenComplete((value, failure) -> observed.end(failure));
        return future;
    }

    /**
     * Runs the start of an operation that outlives it (a stream the caller reads, a watch): started now, current
     * while {@code body} runs, ended by the body's failure or later by whoever holds the observation calling
     * {@link #end(Throwable)} (when the stream ends, fails or is closed).
     *
     * @param <T> the result type
     * @param config the config whose listener is told
     * @param operation the operation's name
     * @param sandboxId the sandbox it is about, or {@code null}
     * @param body starts the operation, given the observation to end
     * @return what the body returned
     */
    public static <T> T runOpen(
            ConnectionConfig config, String operation, @Nullable String sandboxId, Function<Observed, T> body) {
        Observed observed = start(config, operation, sandboxId);
        if (observed == NONE) {
            return body.apply(NONE);
        }
        @Nullable Observed outer = CURRENT.get();
        CURRENT.set(observed);
        try {
            return body.apply(observed);
        } catch (RuntimeException | Error e) {
            observed.end(e);
            throw e;
        } finally {
            CURRENT.set(outer);
        }
    }

    /**
     * Whether anyone is told of this operation (not the shared no-op observation).
     *
     * @return whether it is observed
     */
    public boolean isActive() {
        return this != NONE;
    }

    /**
     * An attempt is about to be sent.
     *
     * @param attempt its number, from 1
     */
    public void attempt(int attempt) {
        if (this == NONE) {
            return;
        }
        attempts.incrementAndGet();
        deliver(() -> tell(() -> observer.attemptStarted(attempt), "attempt"));
    }

    /**
     * A response arrived.
     *
     * @param statusCode its HTTP status
     */
    public void status(int statusCode) {
        status.set(statusCode);
    }

    /**
     * Body bytes were sent.
     *
     * @param bytes how many
     */
    public void sent(long bytes) {
        sent.addAndGet(bytes);
    }

    /**
     * Body bytes were received.
     *
     * @param bytes how many
     */
    public void received(long bytes) {
        received.addAndGet(bytes);
    }

    /**
     * Ends the operation; only the first call counts. Any thread may call it.
     *
     * @param failure why it failed, or {@code null} when it succeeded
     */
    public void end(@Nullable Throwable failure) {
        if (this == NONE || !ended.compareAndSet(false, true)) {
            return;
        }
        Throwable cause = unwrap(failure);
        CallOutcome outcome = cause == null
                ? CallOutcome.SUCCESS
                : cause instanceof CancellationException || cause instanceof InterruptedException
                        ? CallOutcome.CANCELLED
                        : CallOutcome.FAILURE;
        CallEnd end = CallEnd.builder(start, outcome, Duration.ofNanos(System.nanoTime() - startNanos))
                .attempts(attempts.get())
                .status(status.get())
                .bytesSent(sent.get())
                .bytesReceived(received.get())
                .failure(cause instanceof SandboxException sandbox ? sandbox : null)
                .build();
        deliver(() -> tell(() -> observer.callEnded(end), "end"));
    }

    /**
     * Tells a notification after those queued before it: right here on the caller's thread when nothing is being
     * told, otherwise on the handler threads (one task drains the queue, so order holds).
     */
    private void deliver(Runnable notification) {
        boolean here;
        synchronized (pending) {
            pending.add(notification);
            if (telling) {
                return; // the drain in progress tells it
            }
            telling = true;
            here = Thread.currentThread() == caller;
        }
        if (here) {
            drain();
            return;
        }
        Executor handlers = executor;
        if (handlers != null) {
            try {
                handlers.execute(this::drain);
                return;
            } catch (RejectedExecutionException e) {
                // the lease's workers are shut down: fall through
            }
        }
        Thread thread = new Thread(this::drain, Workers.PREFIX + "observer");
        thread.setDaemon(true);
        thread.start();
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (pending) {
                next = pending.poll();
                if (next == null) {
                    telling = false;
                    return;
                }
            }
            next.run();
        }
    }

    private void tell(Runnable action, String what) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.debug(
                    "call listener {} failed on {} of {}",
                    listener == null ? "none" : listener.getClass().getName(),
                    what,
                    start.operation(),
                    e);
        }
    }

    private static @Nullable Throwable unwrap(@Nullable Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
