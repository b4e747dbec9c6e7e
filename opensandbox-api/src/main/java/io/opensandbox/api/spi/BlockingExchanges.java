package io.opensandbox.api.spi;

import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * An optional capability of a {@link Transport}: exchanges that run on the calling thread, from the request to the
 * last byte of the response, with no hand-over to an I/O thread and back. A blocking SDK method that reads a small
 * response whole (a sandbox's info, a file's metadata) spends most of its time in those hand-overs when it goes
 * through {@link Transport#send}; here the calling thread writes the request and reads the response itself, as a
 * classic blocking client does. A transport offers it through {@link Transport#blockingExchanges()}; one that does
 * not is used through {@link Transport#send} for everything, with the same results.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Only requests whose body is absent or held in memory ({@link RequestBody#bytes()} present) are passed.
 *   <li>{@link #exchange} returns when the response headers arrived, with the body not yet read. The request's
 *       {@link TransportRequest#timeout() timeout} bounds the wait for the headers, however slowly they trickle
 *       in; each read of the body waits at most the request's {@link TransportRequest#idleTimeout() idle timeout}
 *       (the timeout when none is set).
 *   <li>Completing the {@code abort} stage, normally or exceptionally, from any thread aborts the exchange: a
 *       thread blocked in {@link #exchange} or in a read of the body fails at once with an {@link IOException}.
 *       So does interrupting the thread that runs the exchange (its interrupt flag stays set).
 *   <li>Failures are the {@link IOException}s that {@link Transport#send} fails with, in the same categories
 *       ({@link RequestNotSentException} only when the request provably never reached the server).
 * </ul>
 */
public interface BlockingExchanges {

    /**
     * Sends a request on the calling thread and waits there for the response headers.
     *
     * @param request the request, with no body or a body in memory
     * @param abort a stage whose completion aborts the exchange
     * @return the response, its body unread; the caller must read it to its end or close it
     * @throws IOException when the exchange fails, times out or is aborted
     */
    BlockingResponse exchange(TransportRequest request, CompletionStage<?> abort) throws IOException;
}
