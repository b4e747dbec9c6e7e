package io.opensandbox.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A failure to resolve the egress endpoint is the lifecycle server's, reported as it is, not as a vault error. */
class EndpointResolutionTest {
    private final NotFoundException gone = new NotFoundException(
            404, new SandboxError("DOCKER::SANDBOX_NOT_FOUND", "sandbox sbx-gone not found"), "req-1");
    private final List<Integer> ports = new ArrayList<>();

    private final SandboxHandle handle = new SandboxHandle() {
        @Override
        public String id() {
            return "sbx-gone";
        }

        @Override
        public ConnectionConfig connectionConfig() {
            return ConnectionConfig.builder().domain("127.0.0.1:1").build();
        }

        @Override
        public Endpoint endpoint(int port) {
            ports.add(port);
            throw gone;
        }
    };

    @Test
    void vaultAndEgressCalls_passTheResolutionFailureThroughUnchanged() {
        assertThatThrownBy(() -> CredentialVault.of(handle).get()).isSameAs(gone);
        assertThatThrownBy(() -> CredentialVault.of(handle).getCredential("c")).isSameAs(gone);
        assertThatThrownBy(() -> Egress.of(handle).getEgressPolicy()).isSameAs(gone);
        assertThat(ports).containsOnly(SandboxHandle.EGRESS_PORT).hasSize(3);
    }

    @Test
    void of_doesNotResolveTheEndpoint() {
        Egress.of(handle);
        CredentialVault.of(handle);
        assertThat(ports).isEmpty();
    }
}
