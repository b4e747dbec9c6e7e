package io.opensandbox.transport.httpclient5;

import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.transport.tck.ServiceDeclarationKit;

/** The httpclient5 provider is declared the same way for module-path and class-path users. */
class ServiceDeclarationTest extends ServiceDeclarationKit {
    @Override
    protected Class<? extends TransportProvider> providerClass() {
        return HttpClient5TransportProvider.class;
    }

    @Override
    protected String providerName() {
        return "httpclient5";
    }
}
