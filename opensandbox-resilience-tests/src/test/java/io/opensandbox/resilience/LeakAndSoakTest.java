package io.opensandbox.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.commands.Execution;
import io.opensandbox.files.SandboxFiles;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.resilience.support.SdkResources;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing is left behind: after every sandbox and manager is closed, no transport thread is alive and no client
 * connection to the server is open; and create/run/kill cycles end with flat heap and thread counts. The soak runs
 * 50 cycles, or 1,000 with {@code -Dopensandbox.resilience.long=true}.
 */
@ExtendWith(LocalSandboxExtension.class)
@Timeout(1200)
class LeakAndSoakTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeEach
    void nothingOpenBefore() {
        assertThat(SdkResources.awaitNoOwnedThreads(WAIT))
                .as("SDK threads left by an earlier test")
                .isEmpty();
    }

    private static ConnectionConfig fresh(ConnectionConfig base) {
        return base.toBuilder().build(); // a new instance: its own transport, closed with its last user
    }

    @Test
    void closingEverySandboxAndManager_endsEveryTransportThreadAndConnection(
            ConnectionConfig base, LocalSandboxServer server) {
        ConnectionConfig config = fresh(base);
        SandboxManager manager = SandboxManager.create(config);
        List<Sandbox> sandboxes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sandboxes.add(
                    Sandbox.builder().image("ubuntu").connectionConfig(config).create());
        }
        for (Sandbox sandbox : sandboxes) {
            Execution execution = Commands.of(sandbox).run("echo hi");
            assertThat(execution.stdoutText()).isEqualTo("hi");
            SandboxFiles.of(sandbox).writeFile("/tmp/leak.txt", "x");
            assertThat(SandboxFiles.of(sandbox).readFile("/tmp/leak.txt")).isEqualTo("x");
        }
        assertThat(manager.listSandboxInfos(SandboxFilter.ALL).items()).hasSizeGreaterThanOrEqualTo(5);
        int transportThreadsInUse =
                SdkResources.threads(SdkResources.TRANSPORT_PREFIX).size();
        assertThat(SdkResources.clientConnections(server.port())).isPositive();

        for (Sandbox sandbox : sandboxes) {
            sandbox.kill();
            sandbox.close();
            sandbox.close(); // idempotent
        }
        // the manager still holds the shared transport
        assertThat(SdkResources.threads(SdkResources.TRANSPORT_PREFIX)).isNotEmpty();
        manager.close();

        List<String> left = SdkResources.awaitNoOwnedThreads(WAIT);
        int connections = SdkResources.awaitAtMost(() -> SdkResources.clientConnections(server.port()), 0, WAIT);
        List<String> shared = SdkResources.threads(SdkResources.SDK_PREFIX);
        System.out.printf(
                Locale.ROOT,
                "%nleak check: %d transport threads in use, %d left after close; %d connections left;"
                        + " shared SDK pool threads still alive: %s%n",
                transportThreadsInUse,
                left.size(),
                connections,
                shared);
        assertThat(left).isEmpty();
        assertThat(connections).isZero();
        // no JVM-wide shared pool is left: every SDK thread belonged to a lease
        assertThat(shared)
                .allMatch(name -> SdkResources.SHARED_POOL_PREFIXES.stream().anyMatch(name::startsWith));
        assertThat(shared).hasSizeLessThanOrEqualTo(8);
    }

    @Test
    void soak_createRunKillCycles_endWithFlatHeapAndThreads(ConnectionConfig base, LocalSandboxServer server) {
        int cycles = SdkResources.longForm() ? 1_000 : 50;
        int warmup = Math.min(10, cycles / 5);
        long heapAfterWarmup = 0;
        int threadsAfterWarmup = 0;
        int maxOwnedThreads = 0;
        long start = System.nanoTime();
        for (int i = 1; i <= cycles; i++) {
            ConnectionConfig config = fresh(base);
            try (Sandbox sandbox =
                    Sandbox.builder().image("ubuntu").connectionConfig(config).create()) {
                Execution execution = Commands.of(sandbox).run("echo cycle-" + i);
                assertThat(execution.stdoutText()).isEqualTo("cycle-" + i);
                maxOwnedThreads =
                        Math.max(maxOwnedThreads, SdkResources.ownedSdkThreads().size());
                sandbox.kill();
            }
            if (i == warmup) {
                assertThat(SdkResources.awaitNoOwnedThreads(WAIT)).isEmpty();
                heapAfterWarmup = SdkResources.usedHeapAfterGc();
                threadsAfterWarmup = nonServerThreads();
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        List<String> owned = SdkResources.awaitNoOwnedThreads(WAIT);
        int connections = SdkResources.awaitAtMost(() -> SdkResources.clientConnections(server.port()), 0, WAIT);
        long heapAtEnd = SdkResources.usedHeapAfterGc();
        int threadsAtEnd = nonServerThreads();
        System.out.printf(
                Locale.ROOT,
                "%nsoak: %d create/run/kill cycles (a fresh config and transport each) in %d s; heap after GC %d KiB"
                        + " after %d cycles, %d KiB at the end (%+d KiB); client threads %d -> %d; SDK threads per"
                        + " cycle at most %d, %d left; %d connections left%n",
                cycles,
                seconds,
                heapAfterWarmup / 1024,
                warmup,
                heapAtEnd / 1024,
                (heapAtEnd - heapAfterWarmup) / 1024,
                threadsAfterWarmup,
                threadsAtEnd,
                maxOwnedThreads,
                owned.size(),
                connections);
        assertThat(owned).isEmpty();
        assertThat(connections).isZero();
        assertThat(threadsAtEnd).isLessThanOrEqualTo(threadsAfterWarmup + 4);
        // flat: growth of at most 24 MiB, whatever the number of cycles (in-process server state included)
        assertThat(heapAtEnd - heapAfterWarmup).isLessThan(24L * 1024 * 1024);
    }

    /** Live threads not belonging to the in-process test server (whose pool grows and shrinks with load). */
    private static int nonServerThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> !thread.getName().startsWith("osb-"))
                .count();
    }
}
