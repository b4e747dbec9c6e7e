package io.opensandbox.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.transport.tck.WebSocketCompatibilityKit;
import org.junit.jupiter.api.Test;

/** Runs the WebSocket compatibility kit against the JDK transport, which must offer the capability. */
class JdkTransportWebSocketTest extends WebSocketCompatibilityKit {

    @Override
    protected Transport createTransport(TransportOptions options) {
        return new JdkTransportProvider().create(options);
    }

    @Test
    void offersWebSockets_andNoBlockingExchanges() {
        assertThat(transport.webSockets()).isPresent();
        assertThat(transport.blockingExchanges()).isEmpty();
    }
}
