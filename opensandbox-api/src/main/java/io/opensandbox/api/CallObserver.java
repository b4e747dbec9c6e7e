package io.opensandbox.api;

/**
 * Observes one call that a {@link CallListener} was told of. Methods default to no-ops. See {@link CallListener}
 * for the threads these run on.
 */
public interface CallObserver {

    /** An observer that ignores everything. */
    CallObserver NONE = new CallObserver() {};

    /**
     * An attempt is about to be sent: 1 for the first, more for each retry.
     *
     * @param attempt the attempt's number, from 1
     */
    default void attemptStarted(int attempt) {}

    /**
     * The call ended, successfully or not. Told exactly once.
     *
     * @param end how it ended
     */
    default void callEnded(CallEnd end) {}
}
