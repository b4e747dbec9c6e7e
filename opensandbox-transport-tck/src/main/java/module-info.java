/**
 * The transport compatibility kits: abstract JUnit 5 classes that a {@link io.opensandbox.api.spi.Transport}'s own
 * tests extend, one per part of the SPI, each with the test server it needs (bound to {@code 127.0.0.1} only).
 *
 * <ul>
 *   <li>{@link io.opensandbox.transport.tck.TransportCompatibilityKit}: HTTP exchanges through
 *       {@code Transport.send}.
 *   <li>{@link io.opensandbox.transport.tck.BlockingExchangesCompatibilityKit}: the optional
 *       {@code BlockingExchanges} capability (exchanges on the calling thread).
 *   <li>{@link io.opensandbox.transport.tck.WebSocketCompatibilityKit}: the optional {@code WebSockets}
 *       capability, against a hand-written RFC 6455 server ({@link io.opensandbox.transport.tck.WebSocketServer}).
 *   <li>{@link io.opensandbox.transport.tck.ServiceDeclarationKit}: the provider's {@code ServiceLoader}
 *       declarations.
 * </ul>
 *
 * <p>A transport runs every kit of the capabilities it offers, and its tests assert which capabilities it offers.
 * The module reads no system properties and no environment variables.
 */
module io.opensandbox.transport.tck {
    requires transitive io.opensandbox.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires static org.jspecify;

    exports io.opensandbox.transport.tck;
    // JUnit finds and runs the kits' test methods reflectively
    opens io.opensandbox.transport.tck to
            org.junit.platform.commons;
}
