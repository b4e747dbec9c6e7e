/**
 * The stream runtime every capability shares: how a response body gets from the transport to the code that uses
 * it, and which thread does what. Exported to the SDK's own modules only; no compatibility promise.
 *
 * <h2>The pieces</h2>
 *
 * <ul>
 *   <li>{@link io.opensandbox.api.internal.stream.BodyReader}: the one queue between a transport's I/O thread and
 *       a body's consumer; back-pressure, buffer release and wake-ups; pull ({@code next()}) or push
 *       ({@code drainHere}, {@code drainOn}).
 *   <li>{@link io.opensandbox.api.internal.stream.ByteSource}: a body pulled buffer by buffer, either from a
 *       {@code BodyReader} or, when the transport has blocking exchanges, straight from the connection
 *       ({@link io.opensandbox.api.internal.stream.InputStreamSource}, one reused buffer, no queue).
 *   <li>{@link io.opensandbox.api.internal.stream.Lines}: bytes to lines, across buffers, without copying complete
 *       lines.
 *   <li>{@link io.opensandbox.api.internal.stream.EventDecoder} (with {@code FlatEventScanner} and {@code Bytes}):
 *       execd's event stream, as bare JSON lines or SSE {@code data:} framing, pings and appended JSON errors
 *       included, to reused {@link io.opensandbox.api.internal.stream.WireEvent}s.
 *   <li>{@link io.opensandbox.api.internal.stream.Workers}: the threads, owned by a shared transport's leases.
 * </ul>
 *
 * <p>A capability then only builds its request, opens it with {@code ApiClient.Call.open()} (or, for a blocking
 * download, {@code openOnCaller}), reads it through a {@code BodyReader} (or an {@code InputStreamSource}) and maps what the decoder gives it to its own model.
 *
 * <h2>Thread ownership</h2>
 *
 * <ol>
 *   <li><b>Transport I/O threads</b> (owned by the transport, closed with it) only deliver: they complete
 *       {@code send} futures and call the {@code BodyReader}'s subscriber methods, which queue a buffer and wake a
 *       reader. They never run user code, JSON decoding of a stream, or a blocking wait.
 *   <li><b>The caller's thread</b> consumes a blocking call: {@code Commands.run} decodes and runs handlers on it
 *       ({@code drainHere}); a download's {@code InputStream} reads on it ({@code next()}); with a transport that has blocking exchanges,
 *       the caller's thread also writes the request and reads the connection itself (a blocking call with a small
 *       body, a blocking download), so no I/O thread touches it.
 *   <li><b>Handler threads</b> ({@code opensandbox-handler-N}, {@link io.opensandbox.api.internal.stream.Workers#handlers()})
 *       consume asynchronous streams ({@code drainOn}): decoding and user handlers, one task at a time per stream,
 *       in order, and only while buffers are queued. A caller may give its own executor instead.
 *   <li><b>Blocking I/O threads</b> ({@code opensandbox-io-N}, {@link io.opensandbox.api.internal.stream.Workers#blocking()})
 *       do local blocking I/O of transfers (reading an upload's source, writing an asynchronous download),
 *       at most as many at once as the transport has connections.
 *   <li><b>The timer thread</b> ({@code opensandbox-timer-N}, {@link io.opensandbox.api.internal.stream.Workers#timer()})
 *       fires call time limits, transfer time limits and retry waits; its tasks only complete futures or abort
 *       exchanges. The idle timeout of a body is the transport's, enforced once, on its own timer.
 * </ol>
 *
 * <p><b>Who closes what.</b> The {@code Workers} belong to the per-config share of the transport
 * ({@code Transports}) and are shut down when its last lease is closed, with the transport when the SDK created
 * it. Closing one lease (a {@code Sandbox}, a {@code SandboxManager}, a {@code DirectHandle}) first ends every call
 * registered with it ({@code Lease.own}, {@code Lease.onClose}) with a {@code SandboxClosedException}, so no
 * caller stays blocked; calls of other leases go on. No capability module keeps a queue, timer or thread pool of
 * its own.
 */
package io.opensandbox.api.internal.stream;
