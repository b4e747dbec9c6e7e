package io.opensandbox.examples;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.Page;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxInfo;
import io.opensandbox.lifecycle.SandboxManager;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Measures a cold start: one {@code SandboxManager.listSandboxInfos} against the server named by {@code
 * OPEN_SANDBOX_DOMAIN}, then exit. Used by {@code JLINK.md} to compare jlink images with a full JDK; the
 * wall-clock number there comes from timing the whole process from outside, and this class also prints the time
 * from JVM start (as the OS reports it, to about 10 ms) to the first successful response.
 */
public final class TimeToFirstRequest {
    private TimeToFirstRequest() {}

    /**
     * Lists the sandboxes once and prints how long the process took to get there.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        String domain = System.getenv(ConnectionConfig.DOMAIN_ENV);
        if (domain == null || domain.isBlank()) {
            System.err.println("Set " + ConnectionConfig.DOMAIN_ENV + " to the server to measure against, for"
                    + " example a standalone testkit server: java -jar opensandbox-testkit-*-server.jar --port 18080");
            System.exit(2);
            return;
        }
        try (SandboxManager manager = SandboxManager.create(ConnectionConfig.fromEnvironment())) {
            Page<SandboxInfo> page = manager.listSandboxInfos(SandboxFilter.ALL);
            Instant now = Instant.now();
            String transports = ModuleLayer.boot().modules().stream()
                    .map(Module::getName)
                    .filter(name -> name.startsWith("io.opensandbox.transport."))
                    .sorted()
                    .collect(Collectors.joining(","));
            String sinceStart = ProcessHandle.current()
                    .info()
                    .startInstant()
                    .map(start -> Duration.between(start, now).toMillis() + " ms")
                    .orElse("unknown");
            System.out.println("first request ok: " + page.items().size() + " sandboxes; transport modules ["
                    + transports + "]; since JVM start " + sinceStart);
        }
    }
}
