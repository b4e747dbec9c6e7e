package io.opensandbox.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpecSchemasTest {
    @Test
    void violations_acceptsAValidBodyAndNamesTheProblemsOfAnInvalidOne() {
        byte[] valid = "{\"expiresAt\":\"2030-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
        byte[] invalid = "{\"expiresAt\":5,\"extra\":true}".getBytes(StandardCharsets.UTF_8);

        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "RenewSandboxExpirationRequest", valid))
                .isEmpty();
        assertThat(SpecSchemas.violations("sandbox-lifecycle.yml", "RenewSandboxExpirationRequest", invalid))
                .hasSizeGreaterThanOrEqualTo(2);
    }
}
