package io.opensandbox.api.internal;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/** Small helpers for response bodies. */
public final class Bodies {
    /** The largest body {@link #collect} accepts by default: 16 MiB. */
    public static final int DEFAULT_LIMIT = 16 * 1024 * 1024;

    /** The most bytes of an error body that are read: 64 KiB; the rest is never read. */
    public static final int ERROR_BODY_LIMIT = 64 * 1024;

    private Bodies() {}

    /**
     * Reads a whole body into memory, failing when it grows past a limit. Cancelling the future cancels the
     * subscription.
     *
     * @param body the body
     * @param limit the most bytes accepted
     * @return the bytes
     */
    public static CompletableFuture<byte[]> collect(Flow.Publisher<ByteBuffer> body, int limit) {
        return read(body, limit, false);
    }

    private static CompletableFuture<byte[]> read(Flow.Publisher<ByteBuffer> body, int limit, boolean truncate) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        body.subscribe(new Flow.Subscriber<>() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();
            private Flow.@Nullable Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                this.subscription = subscription;
                CompletableFuture<byte[]> unusedCancel = result.whenComplete((bytes, failure) -> {
                    if (failure != null) {
                        subscription.cancel();
                    }
                });
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer buffer) {
                if (result.isDone()) {
                    return;
                }
                int size = buffer.remaining();
                if (out.size() + (long) size > limit) {
                    Flow.Subscription current = subscription;
                    if (current != null) {
                        current.cancel();
                    }
                    if (truncate) {
                        // keep what fits: the caller wants the start of the body, not all of it
                        int room = limit - out.size();
                        byte[] chunk = new byte[room];
                        buffer.get(chunk);
                        out.write(chunk, 0, room);
                        result.complete(out.toByteArray());
                        return;
                    }
                    result.completeExceptionally(tooLarge(limit));
                    return;
                }
                if (buffer.hasArray()) {
                    out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), size);
                } else {
                    byte[] chunk = new byte[size];
                    buffer.get(chunk);
                    out.write(chunk, 0, size);
                }
            }

            @Override
            public void onError(Throwable failure) {
                result.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                result.complete(out.toByteArray());
            }
        });
        return result;
    }

    /**
     * The failure of a body that grew past its limit.
     *
     * @param limit the most bytes accepted
     * @return the exception
     */
    public static SandboxException tooLarge(int limit) {
        return new SandboxException(
                SandboxError.UNEXPECTED_RESPONSE, "the response body is larger than the " + limit + " bytes expected");
    }

    /**
     * Reads the start of a body, at most {@link #ERROR_BODY_LIMIT} bytes, and cancels the rest; used for error
     * bodies, whose status must survive however large the body is.
     *
     * @param body the body
     * @return a future with the first bytes, completed when the body ended or reached the limit
     */
    public static CompletableFuture<byte[]> head(Flow.Publisher<ByteBuffer> body) {
        return read(body, ERROR_BODY_LIMIT, true);
    }
}
