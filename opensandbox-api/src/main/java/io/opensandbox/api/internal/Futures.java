package io.opensandbox.api.internal;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting on futures from blocking methods. */
public final class Futures {
    private Futures() {}

    /**
     * Waits for a future. Interrupting the waiting thread cancels the future (which aborts its exchange) and keeps
     * the interrupt flag set. Failures are mapped with {@link ErrorMapper#fromFailure}.
     *
     * @param <T> the result type
     * @param future the future
     * @param what a short description of the call, for messages
     * @return the result
     * @throws SandboxException on failure
     */
    public static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new SandboxException(new SandboxError(SandboxError.CANCELLED, what + " was interrupted"), null, e);
        } catch (ExecutionException e) {
            throw ErrorMapper.fromFailure(e, what);
        } catch (java.util.concurrent.CancellationException e) {
            throw ErrorMapper.fromFailure(e, what);
        }
    }
}
