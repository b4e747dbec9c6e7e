package io.opensandbox.pool.redis;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.pool.AcquirePolicy;
import io.opensandbox.pool.PoolEmptyException;
import io.opensandbox.pool.SandboxPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool node in a JVM of its own, started by {@link MultiProcessPoolTest}. Prints one line per event on stdout:
 * {@code LEASED <id>}, {@code STARTED}, {@code DONE}.
 *
 * <p>Arguments: redis port, testkit domain, pool name, owner id, mode, then the mode's numbers. Modes:
 * {@code acquire <acquires> <threads>} (lease and release, from idle only), {@code serve} (replenish until stdin
 * closes or the process is killed), {@code hold <leases>} (lease, then close the pool without releasing).
 */
public final class PoolWorker {
    private PoolWorker() {}

    /**
     * Runs the node.
     *
     * @param args see the class comment
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        int redisPort = Integer.parseInt(args[0]);
        ConnectionConfig config = ConnectionConfig.builder()
                .domain(args[1])
                .protocol("http")
                .apiKey("")
                .build();
        String poolName = args[2];
        String owner = args[3];
        String mode = args[4];
        try (RedisPoolStateStore store =
                RedisPoolStateStore.builder().port(redisPort).maxConnections(64).build()) {
            SandboxPool pool = SandboxPool.builder()
                    .poolName(poolName)
                    .ownerId(owner)
                    .maxIdle(Integer.parseInt(System.getProperty("pool.maxIdle", "24")))
                    .warmupConcurrency(8)
                    .skipHealthCheckOnAcquire(true)
                    .reconcileInterval(Duration.ofMillis(100))
                    .primaryLockTtl(Duration.ofSeconds(4))
                    .warmupReadyTimeout(Duration.ofSeconds(3))
                    .idleTimeout(Duration.ofMinutes(10))
                    .drainTimeout(Duration.ofMillis(500))
                    .stateStore(store)
                    .connectionConfig(config)
                    .sandbox(b -> b.image("ubuntu:24.04").metadata("pool-test", poolName))
                    .start();
            System.out.println("STARTED");
            System.out.flush();
            switch (mode) {
                case "acquire" -> acquire(pool, Integer.parseInt(args[5]), Integer.parseInt(args[6]));
                case "serve" -> serve();
                case "hold" -> {
                    for (int i = 0; i < Integer.parseInt(args[5]); i++) {
                        print("LEASED "
                                + pool.acquire(AcquirePolicy.DIRECT_CREATE).id());
                    }
                }
                default -> throw new IllegalArgumentException(mode);
            }
            pool.close();
        }
        print("DONE");
    }

    private static void acquire(SandboxPool pool, int acquires, int threads) throws Exception {
        AtomicInteger left = new AtomicInteger(acquires);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        for (int t = 0; t < threads; t++) {
            futures.add(executor.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    while (true) {
                        if (System.nanoTime() - deadline > 0) {
                            throw new IllegalStateException("no idle sandbox within 240 s");
                        }
                        try {
                            Sandbox sandbox = pool.acquire(AcquirePolicy.FAIL_FAST);
                            print("LEASED " + sandbox.id());
                            pool.release(sandbox);
                            break;
                        } catch (PoolEmptyException e) {
                            Thread.sleep(10);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        executor.shutdown();
    }

    private static void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // runs until the parent closes stdin or kills this JVM
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
