package io.opensandbox.api.internal;

import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.spi.WebSocketHandshakeException;
import io.opensandbox.api.spi.WebSocketListener;
import io.opensandbox.api.spi.WebSocketRequest;
import io.opensandbox.api.spi.WebSocketSession;
import io.opensandbox.api.spi.WebSockets;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one WebSocket between a transport and the user's listener ({@link ApiClient#openWebSocket}): what the
 * transport delivers on its I/O threads is queued and handed to the user's listener on the lease's handler threads,
 * one call at a time and in order. Demand is not buffered here: the user's {@code request(n)} goes straight to the
 * transport, which delivers no more than that, so the queue holds at most what the user asked for and a listener
 * that asks for nothing stops the transport reading. Closing the lease aborts the connection and tells the
 * listener with a {@link SandboxClosedException}; failures reach it as {@link SandboxException}s.
 */
final class WebSocketRelay implements WebSocketListener {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketRelay.class);
    /** Listener calls run in one handler task before it lets other streams' tasks go first. */
    private static final int BATCH = 64;

    private final String what;
    private final WebSocketListener user;
    private final Transports.Lease lease;
    private final Executor handlers;
    private final CompletableFuture<WebSocketSession> result = new CompletableFuture<>();
    private final UserSession userSession = new UserSession();
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** Guarded by {@code queue}. */
    private boolean draining;
    /** Guarded by this. */
    private @Nullable WebSocketSession transportSession;
    /** Guarded by this: the user's listener was (or is being) told {@code onOpen}. */
    private boolean opened;
    /** Guarded by this: the last call for the user's listener was queued, or the user aborted. */
    private boolean ended;
    /** Guarded by this: ended abruptly (the user aborted, the lease closed): queued messages are dropped. */
    private boolean aborted;

    private Transports.Lease.@Nullable Owned registration;

    WebSocketRelay(String what, WebSocketListener user, Transports.Lease lease) {
        this.what = what;
        this.user = user;
        this.lease = lease;
        this.handlers = lease.workers().handlers();
    }

    CompletableFuture<WebSocketSession> connect(WebSockets webSockets, WebSocketRequest request) {
        Transports.Lease.Owned owned = lease.onClose(what, this::closedByLease);
        synchronized (this) {
            registration = owned;
        }
        CompletableFuture<WebSocketSession> handshake;
        try {
            handshake = webSockets.connect(request, this);
        } catch (RuntimeException e) {
            handshake = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<WebSocketSession> pending = handshake;
        CompletableFuture<WebSocketSession> unused = handshake.whenComplete((session, failure) -> {
            if (failure != null) {
                SandboxException error = map(failure);
                end();
                run(() -> result.completeExceptionally(error));
            } else if (result.isCompletedExceptionally()) {
                session.abort(); // the lease closed or the caller gave up during the handshake
            }
        });
        CompletableFuture<WebSocketSession> unused2 = result.whenComplete((session, failure) -> {
            if (failure != null) {
                pending.cancel(true);
                abortTransport();
                owned.close();
            }
        });
        return result;
    }

    private SandboxException map(Throwable failure) {
        Throwable cause = ErrorMapper.unwrap(failure);
        if (cause instanceof WebSocketHandshakeException refused) {
            return ErrorMapper.fromResponse(refused.statusCode(), refused.headers(), refused.body());
        }
        return ErrorMapper.fromFailure(failure, what);
    }

    // --- the transport's side (its I/O threads)

    @Override
    public void onOpen(WebSocketSession session) {
        boolean late;
        synchronized (this) {
            transportSession = session;
            late = ended;
        }
        if (late) {
            session.abort(); // the lease closed or the caller gave up during the handshake
            return;
        }
        run(() -> {
            synchronized (this) {
                if (ended) {
                    return;
                }
                opened = true;
            }
            try {
                user.onOpen(userSession);
            } catch (RuntimeException e) {
                LOG.debug("the listener of {} failed in onOpen", what, e);
                end();
                abortTransport();
                result.completeExceptionally(e);
                return;
            }
            if (!result.complete(userSession)) {
                abortTransport();
            }
        });
    }

    @Override
    public void onText(CharSequence data, boolean last) {
        run(() -> message(() -> user.onText(data, last)));
    }

    @Override
    public void onBinary(ByteBuffer data, boolean last) {
        run(() -> message(() -> user.onBinary(data, last)));
    }

    @Override
    public void onPing(ByteBuffer data) {
        run(() -> message(() -> user.onPing(data)));
    }

    @Override
    public void onPong(ByteBuffer data) {
        run(() -> message(() -> user.onPong(data)));
    }

    @Override
    public void onClose(int statusCode, String reason) {
        if (end()) {
            run(() -> terminal(() -> user.onClose(statusCode, reason)));
        }
    }

    @Override
    public void onError(Throwable error) {
        SandboxException mapped = ErrorMapper.fromFailure(error, what);
        if (end()) {
            run(() -> terminal(() -> user.onError(mapped)));
        }
    }

    private void closedByLease(SandboxClosedException closed) {
        boolean tell;
        synchronized (this) {
            tell = opened && !ended;
            ended = true;
            aborted = true;
        }
        abortTransport();
        if (tell) {
            run(() -> terminal(() -> user.onError(closed)));
        } else {
            result.completeExceptionally(closed);
        }
    }

    /** Marks the end; whether this call did (only the first end tells the listener). */
    private boolean end() {
        Transports.Lease.Owned owned;
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            owned = registration;
        }
        if (owned != null) {
            owned.close();
        }
        return true;
    }

    private void abortTransport() {
        WebSocketSession session;
        synchronized (this) {
            session = transportSession;
        }
        if (session != null) {
            session.abort();
        }
    }

    // --- the user's side (handler threads)

    private void message(Runnable call) {
        synchronized (this) {
            if (!opened || aborted) {
                return;
            }
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.debug("the listener of {} failed; aborting the WebSocket", what, e);
            abortTransport();
            if (end()) {
                terminal(() -> user.onError(e));
            }
        }
    }

    private void terminal(Runnable call) {
        boolean tell;
        synchronized (this) {
            tell = opened;
        }
        if (!tell) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.debug("the listener of {} failed at the end of the WebSocket", what, e);
        }
    }

    /** Queues a call for the handler threads; one drain runs at a time, so calls never overlap. */
    private void run(Runnable call) {
        synchronized (queue) {
            queue.add(call);
            if (draining) {
                return;
            }
            draining = true;
        }
        schedule();
    }

    private void schedule() {
        try {
            handlers.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the workers are shut down (the last lease closed): run what is left here rather than lose the end
            drain();
        }
    }

    private void drain() {
        for (int done = 0; ; done++) {
            Runnable call;
            synchronized (queue) {
                call = queue.poll();
                if (call == null) {
                    draining = false;
                    return;
                }
            }
            if (done == BATCH) {
                synchronized (queue) {
                    queue.addFirst(call);
                }
                schedule();
                return;
            }
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.debug("a call for the listener of {} failed", what, e);
            }
        }
    }

    /** The session the user holds: sends and demand go to the transport's, abort ends the relay too. */
    private final class UserSession implements WebSocketSession {
        private WebSocketSession target() {
            WebSocketSession session;
            synchronized (WebSocketRelay.this) {
                session = transportSession;
            }
            if (session == null) {
                throw new IllegalStateException("the WebSocket is not open yet");
            }
            return session;
        }

        /** A send's outcome, completed on a handler thread (never the transport's) and mapped like calls. */
        private CompletableFuture<Void> sent(CompletableFuture<Void> sending) {
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            CompletableFuture<Void> unused = sending.whenComplete((value, failure) -> {
                Runnable complete = failure == null
                        ? () -> outcome.complete(null)
                        : () -> outcome.completeExceptionally(ErrorMapper.fromFailure(failure, what));
                try {
                    handlers.execute(complete);
                } catch (RejectedExecutionException e) {
                    complete.run();
                }
            });
            return outcome;
        }

        @Override
        public CompletableFuture<Void> sendText(CharSequence data, boolean last) {
            return sent(target().sendText(data, last));
        }

        @Override
        public CompletableFuture<Void> sendBinary(ByteBuffer data, boolean last) {
            return sent(target().sendBinary(data, last));
        }

        @Override
        public CompletableFuture<Void> sendPing(ByteBuffer data) {
            return sent(target().sendPing(data));
        }

        @Override
        public CompletableFuture<Void> sendClose(int statusCode, String reason) {
            return sent(target().sendClose(statusCode, reason));
        }

        @Override
        public void request(long n) {
            target().request(n);
        }

        @Override
        public void abort() {
            synchronized (WebSocketRelay.this) {
                aborted = true;
            }
            end();
            abortTransport();
        }

        @Override
        public String toString() {
            return "WebSocketSession[" + what + "]";
        }
    }
}
