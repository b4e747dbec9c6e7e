/**
 * Interactive terminals in a sandbox: execd's PTY sessions (a long-lived bash on a pseudo-terminal, or on pipes)
 * driven over a WebSocket, with input, output, resize, signals, exit codes, reattach from an output offset without
 * loss or repetition, and takeover of a session attached elsewhere. Reached from any
 * {@link io.opensandbox.api.SandboxHandle} through {@link io.opensandbox.pty.Pty#of}.
 *
 * <p>The WebSocket goes through the transport's optional WebSocket capability
 * ({@link io.opensandbox.api.spi.Transport#webSockets()}), with the execd endpoint's headers; the lifecycle API
 * key is never sent. The protocol is execd's current one (see {@code docs/adr/0055-pty-protocol-version.md}):
 * execd v1.0.10 to v1.0.18 have sessions but neither takeover (refused with a conflict that says so) nor the
 * {@code command} field (ignored: an interactive shell starts instead); older execd have none (creating fails with
 * {@link io.opensandbox.api.SandboxError#UNSUPPORTED}).
 *
 * <p>The package {@code io.opensandbox.pty.internal} holds the frame codec and wire types; it is not exported and
 * carries no compatibility promise.
 */
module io.opensandbox.pty {
    requires transitive io.opensandbox.api;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static transitive org.jspecify;

    exports io.opensandbox.pty;

    opens io.opensandbox.pty.internal to
            com.fasterxml.jackson.databind;
}
