/**
 * The foundation every OpenSandbox capability stands on.
 *
 * <p>{@code io.opensandbox.api} holds {@link io.opensandbox.api.ConnectionConfig}, the exception hierarchy
 * rooted in {@link io.opensandbox.api.SandboxException} and {@link io.opensandbox.api.SandboxHandle}, the handle
 * through which capabilities reach a sandbox. {@code io.opensandbox.api.spi} is the transport SPI: transports
 * are found with {@link java.util.ServiceLoader} through {@link io.opensandbox.api.spi.TransportProvider}.
 *
 * <p>Settings read from the environment: {@code OPEN_SANDBOX_API_KEY}, {@code OPEN_SANDBOX_DOMAIN} and
 * {@code OPEN_SANDBOX_TRANSPORT}; the system property {@code opensandbox.transport} names the transport too and
 * wins over the environment variable.
 *
 * <p>The packages {@code io.opensandbox.api.internal} and {@code io.opensandbox.api.internal.stream} (the stream
 * runtime: one body reader, one event decoder, the threads, and the rule of which thread runs what) are shared
 * with the SDK's sibling modules only and carry no compatibility promise.
 */
module io.opensandbox.api {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.opensandbox.api;
    exports io.opensandbox.api.spi;
    exports io.opensandbox.api.internal to
            io.opensandbox.lifecycle,
            io.opensandbox.commands,
            io.opensandbox.files,
            io.opensandbox.network,
            io.opensandbox.codeinterpreter,
            io.opensandbox.pty,
            io.opensandbox.transport.httpclient5,
            io.opensandbox.transport.jdk;
    exports io.opensandbox.api.internal.stream to
            io.opensandbox.lifecycle,
            io.opensandbox.commands,
            io.opensandbox.files,
            io.opensandbox.codeinterpreter,
            io.opensandbox.pty;
    exports io.opensandbox.api.internal.websocket to
            io.opensandbox.transport.httpclient5,
            io.opensandbox.transport.jdk;

    uses io.opensandbox.api.spi.TransportProvider;
}
