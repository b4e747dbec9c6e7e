/**
 * An OpenSandbox transport on the JDK's own {@link java.net.http.HttpClient}: HTTP/1.1, response bodies streamed
 * with backpressure, request bodies of unknown length sent chunked, WebSockets on {@link java.net.http.WebSocket},
 * and no third-party dependency.
 *
 * <p>Add this module to the class path or module path and the SDK finds it through {@link java.util.ServiceLoader}
 * as the provider named {@code jdk} (priority 50). With the {@code httpclient5} transport also present (priority
 * 100) that one wins unless {@code jdk} is selected by name (the connection config, the system property
 * {@code opensandbox.transport} or the environment variable {@code OPEN_SANDBOX_TRANSPORT}).
 *
 * <p>Threads: a transport runs a small fixed pool of worker daemon threads and one timer daemon thread, named
 * {@code opensandbox-jdk-...}; closing the transport ends them. On Java 17 {@link java.net.http.HttpClient} cannot
 * be closed: its selector thread ({@code HttpClient-<n>-SelectorManager}, a daemon) ends only once the client is no
 * longer referenced and has been garbage collected, which closing makes possible but cannot force. Futures complete
 * and body signals are delivered on those threads, so callers must not block in their callbacks.
 *
 * <p>Limits of {@code java.net.http} that the transport cannot hide:
 *
 * <ul>
 *   <li>The headers {@code Connection}, {@code Expect}, {@code Host} and {@code Upgrade} cannot be set (the JDK
 *       system property {@code jdk.httpclient.allowRestrictedHeaders} lifts this); a request carrying one fails
 *       with an {@link java.io.IOException} naming the header. {@code Content-Length} and
 *       {@code Transfer-Encoding} are ignored: the framing follows the body.
 *   <li>The client has no limit on open connections: {@link io.opensandbox.api.spi.TransportOptions#maxConnections()}
 *       is enforced by the transport as a limit on exchanges running at once; idle pooled connections (kept by the
 *       JDK, see {@code jdk.httpclient.keepalive.timeout}) are not counted.
 * </ul>
 *
 * <p>This module reads no system property and no environment variable of its own; the JDK's
 * {@code jdk.httpclient.*} properties apply to it as to any {@code java.net.http} client.
 */
module io.opensandbox.transport.jdk {
    requires transitive io.opensandbox.api;
    requires java.net.http;
    requires org.slf4j;
    requires static org.jspecify;

    exports io.opensandbox.transport.jdk;

    provides io.opensandbox.api.spi.TransportProvider with
            io.opensandbox.transport.jdk.JdkTransportProvider;
}
