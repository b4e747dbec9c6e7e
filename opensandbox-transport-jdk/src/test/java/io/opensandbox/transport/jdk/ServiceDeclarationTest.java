package io.opensandbox.transport.jdk;

import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.transport.tck.ServiceDeclarationKit;

/** The jdk provider is declared the same way for module-path and class-path users. */
class ServiceDeclarationTest extends ServiceDeclarationKit {
    @Override
    protected Class<? extends TransportProvider> providerClass() {
        return JdkTransportProvider.class;
    }

    @Override
    protected String providerName() {
        return "jdk";
    }
}
