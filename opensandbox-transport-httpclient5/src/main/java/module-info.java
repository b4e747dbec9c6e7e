/**
 * An OpenSandbox transport on the asynchronous Apache HttpClient 5: HTTP/1.1 over a shared connection pool, response
 * bodies streamed with backpressure, request bodies of unknown length sent chunked.
 *
 * <p>Add this module to the class path or module path and the SDK finds it through {@link java.util.ServiceLoader}
 * as the provider named {@code httpclient5} (priority 100). No HttpClient type appears in its API: the SDK sees the
 * JDK types of {@link io.opensandbox.api.spi.Transport} only.
 *
 * <p>WebSockets (RFC 6455, the {@link io.opensandbox.api.spi.WebSockets} capability) go through a
 * {@link java.net.http.HttpClient} of the transport's own, made on the first WebSocket with the transport's connect
 * timeout: HttpClient 5's own WebSocket module is an alpha release.
 *
 * <p>Threads: a transport runs at most two I/O threads, one dispatcher thread and one timer thread, all daemon
 * threads named {@code opensandbox-hc5-...}, and once a WebSocket was opened up to two {@code opensandbox-hc5-ws-N}
 * threads and the JDK client's selector thread; closing the transport ends them (the selector thread, on Java 17,
 * once the client is garbage collected). Futures complete and body signals are
 * delivered on the I/O threads, so callers must not block in their callbacks.
 *
 * <p>This module reads no system property and no environment variable of its own.
 */
module io.opensandbox.transport.httpclient5 {
    requires transitive io.opensandbox.api;
    requires java.net.http;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    requires org.apache.httpcomponents.core5.httpcore5.h2;
    requires org.slf4j;
    requires jdk.net;
    requires static org.jspecify;

    exports io.opensandbox.transport.httpclient5;

    provides io.opensandbox.api.spi.TransportProvider with
            io.opensandbox.transport.httpclient5.HttpClient5TransportProvider;
}
