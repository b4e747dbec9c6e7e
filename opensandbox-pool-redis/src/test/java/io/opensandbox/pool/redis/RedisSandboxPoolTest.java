package io.opensandbox.pool.redis;

import static io.opensandbox.pool.tck.PoolTesting.await;
import static io.opensandbox.pool.tck.PoolTesting.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.lifecycle.SandboxState;
import io.opensandbox.pool.AcquirePolicy;
import io.opensandbox.pool.IdleEntry;
import io.opensandbox.pool.PoolSnapshot;
import io.opensandbox.pool.PoolStateStoreUnavailableException;
import io.opensandbox.pool.SandboxPool;
import io.opensandbox.testkit.LocalSandboxExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pool on a Redis store, in one JVM, against the testkit. */
@ExtendWith(LocalSandboxExtension.class)
class RedisSandboxPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String name = "redis-pool-" + UUID.randomUUID();

    private SandboxPool.Builder pool(ConnectionConfig config, RedisPoolStateStore store, int maxIdle) {
        return SandboxPool.builder()
                .poolName(name)
                .maxIdle(maxIdle)
                .warmupConcurrency(2)
                .stateStore(store)
                .connectionConfig(config)
                .reconcileInterval(Duration.ofMillis(100))
                .primaryLockTtl(Duration.ofSeconds(3))
                .drainTimeout(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofMinutes(10))
                .sandbox(b -> b.image("ubuntu:24.04").metadata("pool-test", name));
    }

    @Test
    void idleSandboxesKilledBehindThePoolsBack_areNeverHandedOut(ConnectionConfig config) {
        try (RedisPoolStateStore store = LocalRedis.sharedStore();
                SandboxManager manager = SandboxManager.create(config)) {
            try (SandboxPool pool = pool(config, store, 2)
                    .reconcileInterval(Duration.ofMinutes(1))
                    .primaryLockTtl(Duration.ofMinutes(2))
                    .start()) {
                assertThat(await(WAIT, () -> store.idleCount(name) == 2)).isTrue();
                List<String> killed = store.idleEntries(name).stream()
                        .map(IdleEntry::sandboxId)
                        .toList();
                killed.forEach(manager::killSandbox);
                Sandbox sandbox = pool.acquire(AcquirePolicy.DIRECT_CREATE);
                assertThat(killed).doesNotContain(sandbox.id());
                assertThat(sandbox.getInfo().state()).isEqualTo(SandboxState.RUNNING);
                // each killed candidate taken asks for a replenish, so the sandbox handed out may be a fresh idle
                // one or a direct create; never one of the killed
                PoolSnapshot snapshot = pool.snapshot();
                assertThat(snapshot.acquiredFromIdle() + snapshot.acquiredByDirectCreate())
                        .isEqualTo(1);
                assertThat(snapshot.discarded()).isGreaterThanOrEqualTo(2);
                pool.release(sandbox);
            }
            // the shared store keeps its idle sandboxes for the other nodes; releaseAllIdle empties it
            try (SandboxPool pool = pool(config, store, 0).start()) {
                pool.releaseAllIdle();
                assertThat(await(WAIT, () -> running(config, name).isEmpty()))
                        .as("still running: %s", running(config, name))
                        .isTrue();
            }
        }
    }

    @Test
    void resize_onANodeThatIsNotPrimary_setsTheTargetOfTheWholePool(ConnectionConfig config) {
        try (RedisPoolStateStore storeA = RedisPoolStateStore.builder().build();
                RedisPoolStateStore storeB = RedisPoolStateStore.builder().build();
                SandboxPool a = pool(config, storeA, 1).ownerId("node-a").start()) {
            assertThat(await(WAIT, () -> a.snapshot().primary() && a.snapshot().idleCount() == 1))
                    .isTrue();
            try (SandboxPool b = pool(config, storeB, 1).ownerId("node-b").start()) {
                b.resize(3);
                assertThat(await(WAIT, () -> storeA.idleCount(name) == 3)).isTrue();
                assertThat(b.snapshot().primary()).isFalse();
                assertThat(a.snapshot().maxIdle()).isEqualTo(3);
                assertThat(b.snapshot().maxIdle()).isEqualTo(3);
                assertThat(running(config, name)).hasSize(3);
                b.resize(0);
                assertThat(await(WAIT, () -> storeA.idleCount(name) == 0)).isTrue();
                assertThat(await(WAIT, () -> running(config, name).isEmpty()))
                        .as("still running: %s", running(config, name))
                        .isTrue();
                assertThat(a.snapshot().maxIdle()).isZero();
            }
        }
    }

    @Test
    void redisRestartedMidRun_failsTyped_fallsBackWhenAsked_andThePoolRecovers(ConnectionConfig config)
            throws Exception {
        try (LocalRedis redis = LocalRedis.startPrivate();
                RedisPoolStateStore store = RedisPoolStateStore.builder()
                        .port(redis.port())
                        .connectTimeout(Duration.ofMillis(500))
                        .socketTimeout(Duration.ofMillis(500))
                        .build();
                SandboxPool pool = pool(config, store, 2)
                        .directCreateWhenStoreUnavailable(true)
                        .start()) {
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 2)).isTrue();
            redis.stop();
            assertThatThrownBy(() -> pool.acquire(AcquirePolicy.FAIL_FAST))
                    .isInstanceOf(PoolStateStoreUnavailableException.class)
                    .satisfies(e -> assertThat(((PoolStateStoreUnavailableException) e).isRetryable())
                            .isTrue());
            Sandbox direct = pool.acquire(AcquirePolicy.DIRECT_CREATE);
            assertThat(pool.snapshot().storeAvailable()).isFalse();
            assertThat(pool.snapshot().acquiredByDirectCreate()).isEqualTo(1);
            pool.release(direct);
            redis.restart();
            // the restarted Redis is empty: the primary writes maxIdle and the idle TTL again and refills
            assertThat(await(
                            WAIT,
                            () -> pool.snapshot().storeAvailable()
                                    && pool.snapshot().idleCount() == 2))
                    .isTrue();
            assertThat(store.maxIdle(name)).hasValue(2);
            Sandbox sandbox = pool.acquire(AcquirePolicy.FAIL_FAST);
            assertThat(pool.snapshot().acquiredFromIdle()).isEqualTo(1);
            pool.release(sandbox);
        }
    }
}
