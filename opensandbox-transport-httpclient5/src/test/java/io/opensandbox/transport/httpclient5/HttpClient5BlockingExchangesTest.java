package io.opensandbox.transport.httpclient5;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.transport.tck.BlockingExchangesCompatibilityKit;

/** Runs the blocking-exchanges compatibility kit against the HttpClient 5 transport. */
class HttpClient5BlockingExchangesTest extends BlockingExchangesCompatibilityKit {

    @Override
    protected Transport createTransport(TransportOptions options) {
        return new HttpClient5TransportProvider().create(options);
    }
}
