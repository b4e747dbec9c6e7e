package io.opensandbox.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.tck.TransportCompatibilityKit;
import org.junit.jupiter.api.Test;

/** Runs the transport compatibility kit against the JDK transport. */
class JdkTransportCompatibilityTest extends TransportCompatibilityKit {

    @Override
    protected Transport createTransport(TransportOptions options) {
        return new JdkTransportProvider().create(options);
    }

    @Test
    void provider_isNamedJdk_withPriority50() {
        JdkTransportProvider provider = new JdkTransportProvider();
        assertThat(provider.name()).isEqualTo("jdk");
        assertThat(provider.priority()).isEqualTo(50);
        assertThat(transport.name()).isEqualTo("jdk");
    }
}
