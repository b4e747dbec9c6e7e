package io.opensandbox.examples;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.commands.Commands;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.pool.PoolSnapshot;
import io.opensandbox.pool.SandboxPool;
import io.opensandbox.pool.redis.RedisPoolStateStore;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A pool of warm sandboxes: start a pool of three, wait until they are ready, acquire one, run a command in it,
 * release it (which kills it; the pool makes a new one), print the pool's counters and close it.
 *
 * <p>With {@code OPEN_SANDBOX_DOMAIN} set it talks to that server (image {@code OPEN_SANDBOX_IMAGE}, default
 * {@code ubuntu:24.04}); otherwise it starts an embedded local test server on 127.0.0.1 first. The pool's state is
 * kept in memory, or in Redis when the first argument is a Redis URI ({@code redis://} or {@code rediss://}) such as {@code redis://127.0.0.1:6379/0}
 * (then every process started with the same URI shares one pool named {@code example}).
 */
public final class PoolExample {
    private PoolExample() {}

    /**
     * Runs the example.
     *
     * @param args optionally a Redis URI
     * @throws InterruptedException if interrupted while waiting for the pool to warm up
     */
    public static void main(String[] args) throws InterruptedException {
        // -Dpoolexample with no value passes "true": the in-memory store
        String redisUri = args.length > 0 && args[0].startsWith("redis") ? args[0] : "";
        String domain = System.getenv(ConnectionConfig.DOMAIN_ENV);
        if (domain != null && !domain.isBlank()) {
            System.out.println("Using the OpenSandbox server at " + domain);
            run(ConnectionConfig.fromEnvironment(), redisUri);
            return;
        }
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            System.out.println("OPEN_SANDBOX_DOMAIN is not set: using an embedded local server at " + server.domain());
            run(ConnectionConfig.builder().domain(server.domain()).build(), redisUri);
        }
    }

    static void run(ConnectionConfig config, String redisUri) throws InterruptedException {
        if (redisUri.isEmpty()) {
            System.out.println("State store: in memory (this JVM only)");
            run(config, builder -> {}, false);
            return;
        }
        try (RedisPoolStateStore redis =
                RedisPoolStateStore.builder().uri(redisUri).build()) {
            System.out.println("State store: " + redis);
            run(config, builder -> builder.stateStore(redis), true);
        }
    }

    private static void run(ConnectionConfig config, Consumer<SandboxPool.Builder> store, boolean shared)
            throws InterruptedException {
        String image = System.getenv().getOrDefault("OPEN_SANDBOX_IMAGE", "ubuntu:24.04");
        SandboxPool.Builder builder = SandboxPool.builder()
                .poolName("example")
                .maxIdle(3)
                .image(image)
                .idleTimeout(Duration.ofMinutes(30))
                .reconcileInterval(Duration.ofSeconds(1))
                .connectionConfig(config);
        store.accept(builder);
        try (SandboxPool pool = builder.start()) {
            for (int i = 0; i < 600 && pool.snapshot().idleCount() < 3; i++) {
                Thread.sleep(100);
            }
            System.out.println("Warm: " + pool.snapshot().idleCount() + " idle sandboxes");

            long start = System.nanoTime();
            Sandbox sandbox = pool.acquire();
            System.out.printf("Acquired sandbox %s in %d ms%n", sandbox.id(), (System.nanoTime() - start) / 1_000_000);
            try {
                System.out.println("stdout: "
                        + Commands.of(sandbox)
                                .run("echo 'Hello from a pooled sandbox'")
                                .stdoutText()
                                .strip());
            } finally {
                pool.release(sandbox); // kills it: a used sandbox is never handed out again
            }

            PoolSnapshot snapshot = pool.snapshot();
            System.out.println("Pool: state " + snapshot.state() + ", idle " + snapshot.idleCount() + "/"
                    + snapshot.maxIdle() + ", from idle " + snapshot.acquiredFromIdle() + ", created "
                    + snapshot.created());
            if (shared) {
                // a shared store keeps its idle sandboxes for the other processes; this example empties it
                pool.resize(0);
                pool.releaseAllIdle();
            }
        }
        System.out.println("Pool closed");
    }
}
