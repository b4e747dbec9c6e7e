package io.opensandbox.benchmarks;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.pool.AcquirePolicy;
import io.opensandbox.pool.PoolSnapshot;
import io.opensandbox.pool.PoolStateStore;
import io.opensandbox.pool.SandboxPool;
import io.opensandbox.pool.redis.RedisPoolStateStore;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Acquire latency from a warm pool next to {@code Sandbox.builder().create()}, both against one testkit server in
 * the same run, for the in-memory and the Redis store; then the throughput of concurrent acquirers (each acquire
 * followed by a release, which kills the sandbox, so the pool replenishes as it goes). Prints a table; asserts
 * nothing.
 *
 * <p>Arguments: samples per latency series (default 40), concurrent acquirers (default 32), acquires per acquirer
 * (default 10), Redis port on 127.0.0.1 (default 6379; 0 skips the Redis store).
 */
public final class PoolBenchmark {
    private static final Duration WARM = Duration.ofSeconds(120);

    private PoolBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args samples, acquirers, acquires per acquirer, Redis port
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int acquirers = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int perAcquirer = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int redisPort = args.length > 3 ? Integer.parseInt(args[3]) : 6379;
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            ConnectionConfig config =
                    ConnectionConfig.builder().domain(server.domain()).build();
            System.out.printf(
                    Locale.ROOT,
                    "pool vs direct create against the testkit server (%s isolation) on 127.0.0.1; %d samples per"
                            + " latency series, %d acquirers x %d acquires; Java %s, %d cores%n",
                    server.isolation(),
                    samples,
                    acquirers,
                    perAcquirer,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            List<String> stores = new ArrayList<>(List.of("in-memory"));
            if (redisPort > 0) {
                stores.add("redis");
            }
            System.out.printf(
                    Locale.ROOT, "%-10s %-34s %10s %10s %10s%n", "store", "series", "p50 ms", "p99 ms", "mean ms");
            List<String> throughput = new ArrayList<>();
            for (String kind : stores) {
                String name = "bench-" + kind + "-" + UUID.randomUUID();
                try (RedisPoolStateStore redis = kind.equals("redis")
                        ? RedisPoolStateStore.builder().port(redisPort).build()
                        : null) {
                    run(kind, name, config, redis, samples, acquirers, perAcquirer, throughput);
                }
            }
            System.out.printf(
                    Locale.ROOT, "%-10s %-34s %12s %10s %10s%n", "store", "throughput", "ops/s", "from idle", "direct");
            throughput.forEach(System.out::println);
        }
    }

    private static void run(
            String kind,
            String name,
            ConnectionConfig config,
            PoolStateStore store,
            int samples,
            int acquirers,
            int perAcquirer,
            List<String> throughput)
            throws Exception {
        int maxIdle = Math.max(8, acquirers);
        SandboxPool.Builder builder = SandboxPool.builder()
                .poolName(name)
                .maxIdle(maxIdle)
                .warmupConcurrency(8)
                .idleTimeout(Duration.ofMinutes(30))
                .reconcileInterval(Duration.ofMillis(200))
                .primaryLockTtl(Duration.ofSeconds(10))
                .drainTimeout(Duration.ofSeconds(5))
                .connectionConfig(config)
                .image("ubuntu:24.04");
        if (store != null) {
            builder.stateStore(store);
        }
        try (SandboxPool pool = builder.start()) {
            awaitOrFail(() -> pool.snapshot().idleCount() == maxIdle, "warm-up of " + maxIdle);
            Supplier<Sandbox> direct = () -> Sandbox.builder()
                    .image("ubuntu:24.04")
                    .timeout(Duration.ofMinutes(10))
                    .connectionConfig(config)
                    .create();
            // warm-up of both paths (class loading, connections), not measured
            for (int i = 0; i < 3; i++) {
                kill(direct.get());
                pool.release(pool.acquire(AcquirePolicy.FAIL_FAST));
                awaitOrFail(() -> pool.snapshot().idleCount() == maxIdle, "refill");
            }
            long[] fromPool = new long[samples];
            long[] created = new long[samples];
            for (int i = 0; i < samples; i++) {
                // interleaved, so both series see the same machine load; the pool is full before each acquire
                long start = System.nanoTime();
                Sandbox sandbox = direct.get();
                created[i] = System.nanoTime() - start;
                kill(sandbox);
                awaitOrFail(() -> pool.snapshot().idleCount() == maxIdle, "refill");
                start = System.nanoTime();
                Sandbox leased = pool.acquire(AcquirePolicy.FAIL_FAST);
                fromPool[i] = System.nanoTime() - start;
                pool.release(leased);
            }
            print(kind, "Sandbox.builder().create()", created);
            print(kind, "pool.acquire() from a warm pool", fromPool);

            awaitOrFail(() -> pool.snapshot().idleCount() == maxIdle, "refill");
            PoolSnapshot before = pool.snapshot();
            double rate = concurrent(acquirers, perAcquirer, () -> pool.release(pool.acquire()));
            PoolSnapshot after = pool.snapshot();
            throughput.add(String.format(
                    Locale.ROOT,
                    "%-10s %-34s %12.1f %10d %10d",
                    kind,
                    acquirers + " acquirers, acquire+release",
                    rate,
                    after.acquiredFromIdle() - before.acquiredFromIdle(),
                    after.acquiredByDirectCreate() - before.acquiredByDirectCreate()));
            if (kind.equals("in-memory")) {
                double createRate = concurrent(acquirers, perAcquirer, () -> kill(direct.get()));
                throughput.add(String.format(
                        Locale.ROOT,
                        "%-10s %-34s %12.1f %10s %10s",
                        "-",
                        acquirers + " threads, create+kill",
                        createRate,
                        "-",
                        "-"));
            }
            // a shared store keeps its idle sandboxes: empty it before leaving
            pool.resize(0);
            pool.releaseAllIdle();
        }
    }

    private static void kill(Sandbox sandbox) {
        try {
            sandbox.kill();
        } finally {
            sandbox.close();
        }
    }

    private static double concurrent(int threads, int perThread, Runnable call) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    for (int j = 0; j < perThread; j++) {
                        call.run();
                        done.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    System.err.println("failed: " + e);
                }
            });
            thread.start();
            started.add(thread);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : started) {
            thread.join(TimeUnit.MINUTES.toMillis(10));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " of " + threads + " threads failed");
        }
        return done.get() / seconds;
    }

    private static void print(String kind, String series, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e6;
        System.out.printf(
                Locale.ROOT,
                "%-10s %-34s %10.2f %10.2f %10.2f%n",
                kind,
                series,
                percentile(sorted, 50) / 1e6,
                percentile(sorted, 99) / 1e6,
                mean);
    }

    private static long percentile(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void awaitOrFail(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WARM.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(what + " did not finish within " + WARM);
            }
            Thread.sleep(10);
        }
    }
}
