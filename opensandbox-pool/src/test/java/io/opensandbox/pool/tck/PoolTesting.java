package io.opensandbox.pool.tck;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.SandboxFilter;
import io.opensandbox.lifecycle.SandboxInfo;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.lifecycle.SandboxState;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Helpers of the pool tests: a bounded wait, and the sandboxes of one pool that run on the server. */
public final class PoolTesting {
    private PoolTesting() {}

    /**
     * Waits until the condition holds, polling every 20 ms, at most {@code limit}.
     *
     * @param limit the longest wait
     * @param condition the condition
     * @return whether it held in time
     */
    public static boolean await(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * The ids of the running sandboxes tagged {@code pool-test=tag}.
     *
     * @param config the server
     * @param tag the tag
     * @return the ids
     */
    public static List<String> running(ConnectionConfig config, String tag) {
        try (SandboxManager manager = SandboxManager.create(config)) {
            return manager.streamSandboxInfos(SandboxFilter.builder()
                            .states(SandboxState.RUNNING)
                            .metadata("pool-test", tag)
                            .build())
                    .map(SandboxInfo::id)
                    .collect(Collectors.toList());
        }
    }

    /**
     * The threads named for a pool.
     *
     * @param poolName the pool
     * @return how many are alive
     */
    public static long poolThreads(String poolName) {
        String prefix = "opensandbox-pool-" + poolName + "-";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }
}
