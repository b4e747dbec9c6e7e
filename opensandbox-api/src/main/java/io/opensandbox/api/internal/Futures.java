package io.opensandbox.api.internal;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

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
            throw interrupted(what, e);
        } catch (ExecutionException e) {
            throw ErrorMapper.fromFailure(e, what);
        } catch (java.util.concurrent.CancellationException e) {
            throw ErrorMapper.fromFailure(e, what);
        }
    }

    /**
     * The failure of a blocking call whose thread was interrupted.
     *
     * @param what a short description of the call, for the message
     * @param cause the interruption, if an exception carried it
     * @return a {@link SandboxError#CANCELLED} exception
     */
    public static SandboxException interrupted(String what, @Nullable Throwable cause) {
        return new SandboxException(new SandboxError(SandboxError.CANCELLED, what + " was interrupted"), null, cause);
    }
}
