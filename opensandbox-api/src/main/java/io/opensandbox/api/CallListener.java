package io.opensandbox.api;

/**
 * Told of every call the SDK makes to a server: one {@link #callStarted(CallStart)} per SDK operation (for
 * example {@code sandbox.create}, {@code commands.run} or {@code files.download}), then, through the
 * {@link CallObserver} it returns, each attempt and the end of the call. Set with
 * {@link ConnectionConfig.Builder#callListener(CallListener)}; metrics and tracing adapters (such as the Spring Boot
 * starter's Micrometer Observation adapter) are built on it.
 *
 * <p>Rules the SDK keeps, so that a listener can be simple:
 *
 * <ul>
 *   <li>{@code callStarted} runs on the thread that made the call, so a listener can read that thread's context
 *       (a current trace span, an MDC). The observer's methods run on that thread too, or, for what happens in
 *       the background (async forms, streams, retries the SDK's timer starts), in order on an SDK handler thread
 *       ({@code opensandbox-handler-N}): never on a transport I/O thread, the SDK's timer or the common pool.
 *   <li>Nothing a listener is given holds a secret: no API key, no endpoint header, no request or response body.
 *   <li>A listener cannot break a call: what it throws is logged at debug level and dropped.
 *   <li>{@code callEnded} is told exactly once for every {@code callStarted}.
 * </ul>
 *
 * <p>Implementations must be thread-safe: many calls run at once.
 */
@FunctionalInterface
public interface CallListener {

    /** A listener that observes nothing. */
    CallListener NONE = start -> CallObserver.NONE;

    /**
     * A call begins, before its first request is sent.
     *
     * @param start what the call is
     * @return the observer of this call's attempts and end; {@link CallObserver#NONE} to observe no more
     */
    CallObserver callStarted(CallStart start);
}
