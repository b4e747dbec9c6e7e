package io.opensandbox.transport.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.transport.tck.WebSocketCompatibilityKit;
import org.junit.jupiter.api.Test;

/** Runs the WebSocket compatibility kit against the HttpClient 5 transport, which must offer both capabilities. */
class HttpClient5TransportWebSocketTest extends WebSocketCompatibilityKit {

    @Override
    protected Transport createTransport(TransportOptions options) {
        return new HttpClient5TransportProvider().create(options);
    }

    @Test
    void offersWebSockets_andBlockingExchanges() {
        assertThat(transport.webSockets()).isPresent();
        assertThat(transport.blockingExchanges()).isPresent();
    }
}
