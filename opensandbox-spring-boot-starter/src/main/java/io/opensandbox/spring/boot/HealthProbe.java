package io.opensandbox.spring.boot;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks the lifecycle server the way the application uses it: one authenticated listing of at most one sandbox,
 * so a wrong API key or an unreachable server shows as down. Shared by the Boot 3 and Boot 4 health indicators.
 */
final class HealthProbe {
    private static final SandboxFilter ONE = SandboxFilter.builder().pageSize(1).build();

    private final SandboxManager manager;

    HealthProbe(SandboxManager manager) {
        this.manager = manager;
    }

    /** What the probe found: up or not, and the details to show (no secret among them). */
    record Result(boolean up, Map<String, Object> details) {}

    Result check() {
        ConnectionConfig config = manager.connectionConfig();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("server", config.lifecycleBaseUrl());
        long start = System.nanoTime();
        try {
            manager.listSandboxInfos(ONE);
            details.put("latencyMs", (System.nanoTime() - start) / 1_000_000);
            return new Result(true, details);
        } catch (SandboxException e) {
            details.put("error", e.error().code());
            details.put("exception", e.getClass().getSimpleName());
            if (e instanceof SandboxApiException api) {
                details.put("status", api.statusCode());
            }
            details.put("message", e.error().message());
            return new Result(false, details);
        }
    }
}
