package io.opensandbox.pool;

import static io.opensandbox.pool.tck.PoolTesting.await;
import static io.opensandbox.pool.tck.PoolTesting.poolThreads;
import static io.opensandbox.pool.tck.PoolTesting.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.RetryPolicy;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.lifecycle.SandboxState;
import io.opensandbox.testkit.LocalSandboxExtension;
import io.opensandbox.testkit.LocalSandboxServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pool end to end against the testkit server, on its own in-memory store. */
@ExtendWith(LocalSandboxExtension.class)
class SandboxPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String tag = UUID.randomUUID().toString();

    private SandboxPool.Builder pool(ConnectionConfig config, int maxIdle) {
        return SandboxPool.builder()
                .poolName("test-" + tag)
                .maxIdle(maxIdle)
                .connectionConfig(config)
                .reconcileInterval(Duration.ofMillis(100))
                .primaryLockTtl(Duration.ofSeconds(5))
                .drainTimeout(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofMinutes(10))
                .sandbox(b -> b.image("ubuntu:24.04").metadata("pool-test", tag));
    }

    @Test
    void start_warmsUpToMaxIdle_andAcquireHandsOutAnIdleSandbox(ConnectionConfig config) {
        try (SandboxPool pool = pool(config, 3).warmupConcurrency(2).start()) {
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 3)).isTrue();
            List<String> idle =
                    pool.idleEntries().stream().map(IdleEntry::sandboxId).toList();
            Sandbox sandbox = pool.acquire(AcquirePolicy.FAIL_FAST);
            assertThat(idle).contains(sandbox.id());
            assertThat(sandbox.getInfo().state()).isEqualTo(SandboxState.RUNNING);
            PoolSnapshot snapshot = pool.snapshot();
            assertThat(snapshot.acquiredFromIdle()).isEqualTo(1);
            assertThat(snapshot.leased()).isEqualTo(1);
            assertThat(snapshot.primary()).isTrue();
            assertThat(snapshot.state()).isEqualTo(PoolState.HEALTHY);
            // replenished back to the target after the acquire
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 3)).isTrue();
            pool.release(sandbox);
            assertThat(running(config, tag)).doesNotContain(sandbox.id());
            assertThat(pool.snapshot().leased()).isZero();
        }
    }

    @Test
    void acquire_skipsIdleSandboxesKilledBehindThePoolsBack(ConnectionConfig config) {
        try (SandboxPool pool = pool(config, 2)
                        .warmupConcurrency(2)
                        .reconcileInterval(Duration.ofMinutes(1))
                        .primaryLockTtl(Duration.ofMinutes(2))
                        .start();
                SandboxManager manager = SandboxManager.create(config)) {
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 2)).isTrue();
            List<String> killed =
                    pool.idleEntries().stream().map(IdleEntry::sandboxId).toList();
            killed.forEach(manager::killSandbox);
            Sandbox sandbox = pool.acquire(AcquirePolicy.DIRECT_CREATE);
            assertThat(killed).doesNotContain(sandbox.id());
            assertThat(sandbox.getInfo().state()).isEqualTo(SandboxState.RUNNING);
            PoolSnapshot snapshot = pool.snapshot();
            assertThat(snapshot.acquiredFromIdle()).isZero();
            assertThat(snapshot.acquiredByDirectCreate()).isEqualTo(1);
            assertThat(snapshot.discarded()).isGreaterThanOrEqualTo(2);
            pool.release(sandbox);
        }
    }

    @Test
    void failFast_withNoIdleSandbox_throwsPoolEmpty_andDirectCreateCreates(ConnectionConfig config) {
        try (SandboxPool pool = pool(config, 0).start()) {
            assertThatThrownBy(() -> pool.acquire(AcquirePolicy.FAIL_FAST))
                    .isInstanceOf(PoolEmptyException.class)
                    .satisfies(e ->
                            assertThat(((PoolEmptyException) e).error().code()).isEqualTo("POOL_EMPTY"));
            Sandbox sandbox = pool.acquire();
            assertThat(running(config, tag)).containsExactly(sandbox.id());
            pool.kill(sandbox);
            assertThat(running(config, tag)).isEmpty();
        }
    }

    @Test
    void resize_growsAndShrinksTheIdleSandboxes(ConnectionConfig config) {
        try (SandboxPool pool = pool(config, 1).warmupConcurrency(3).start()) {
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 1)).isTrue();
            pool.resize(3);
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 3)).isTrue();
            assertThat(pool.snapshot().maxIdle()).isEqualTo(3);
            pool.resize(0);
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 0)).isTrue();
            assertThat(await(WAIT, () -> running(config, tag).isEmpty())).isTrue();
        }
    }

    @Test
    void idleSandboxesCloseToExpiry_areKilledAndReplaced(ConnectionConfig config) {
        // idle for 62 s, handed out only with more than 61 s left: each idle sandbox ages out after about a second
        try (SandboxPool pool = pool(config, 1)
                .idleTimeout(Duration.ofSeconds(62))
                .acquireMinRemainingTtl(Duration.ofSeconds(61))
                .start()) {
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 1)).isTrue();
            String first = pool.idleEntries().get(0).sandboxId();
            assertThat(await(WAIT, () -> !running(config, tag).contains(first))).isTrue();
            assertThat(pool.snapshot().discarded()).isGreaterThanOrEqualTo(1);
            assertThat(await(
                            WAIT,
                            () -> pool.snapshot().idleCount() == 1
                                    && !pool.idleEntries().get(0).sandboxId().equals(first)))
                    .isTrue();
        }
    }

    @Test
    void close_killsLeasesStillHeldAndTheIdleSandboxes_butNotDetachedOnes_andStopsItsThreads(ConnectionConfig config) {
        SandboxPool pool = pool(config, 2).drainTimeout(Duration.ofMillis(200)).start();
        assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 2)).isTrue();
        Sandbox forgotten = pool.acquire();
        Sandbox kept = pool.detach(pool.acquire());
        assertThat(poolThreads(pool.name())).isPositive();
        pool.close();
        assertThat(pool.snapshot().state()).isEqualTo(PoolState.STOPPED);
        assertThat(running(config, tag)).containsExactly(kept.id());
        assertThat(forgotten.toString()).contains(forgotten.id());
        assertThat(await(WAIT, () -> poolThreads(pool.name()) == 0)).isTrue();
        assertThatThrownBy(pool::acquire).isInstanceOf(PoolNotRunningException.class);
        kept.kill();
        kept.close();
    }

    @Test
    void close_waitsForALeaseReleasedWithinTheDrainTimeout(ConnectionConfig config) throws Exception {
        SandboxPool pool = pool(config, 1).drainTimeout(Duration.ofSeconds(20)).start();
        Sandbox sandbox = pool.acquire();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(pool::close);
        assertThat(await(WAIT, () -> pool.snapshot().state() == PoolState.DRAINING))
                .isTrue();
        assertThat(closed).isNotDone();
        assertThatThrownBy(pool::acquire).isInstanceOf(PoolNotRunningException.class);
        pool.release(sandbox);
        closed.get();
        assertThat(pool.snapshot().state()).isEqualTo(PoolState.STOPPED);
        assertThat(running(config, tag)).isEmpty();
    }

    @Test
    void acquireAsync_handsOutDistinctSandboxes(ConnectionConfig config) throws Exception {
        try (SandboxPool pool = pool(config, 4).warmupConcurrency(4).start()) {
            assertThat(await(WAIT, () -> pool.snapshot().idleCount() == 4)).isTrue();
            List<CompletableFuture<Sandbox>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                futures.add(pool.acquireAsync());
            }
            Set<String> ids = new HashSet<>();
            for (CompletableFuture<Sandbox> future : futures) {
                ids.add(future.get().id());
            }
            assertThat(ids).hasSize(6);
            assertThat(pool.snapshot().leased()).isEqualTo(6);
        }
        assertThat(running(config, tag)).isEmpty();
    }

    @Test
    @SuppressWarnings("try") // the pool is closed before the server that outlives it
    void repeatedCreateFailures_degradeThePool_whichRecoversWhenTheServerIsBack() throws Exception {
        LocalSandboxServer server = LocalSandboxServer.start();
        int port = server.port();
        ConnectionConfig config = LocalSandboxExtension.config(server).toBuilder()
                .retryPolicy(RetryPolicy.disabled())
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        server.close();
        try (SandboxPool pool = pool(config, 1)
                .degradedThreshold(2)
                .degradedBackoff(Duration.ofMillis(300), Duration.ofSeconds(1))
                .start()) {
            assertThat(await(WAIT, () -> pool.snapshot().state() == PoolState.DEGRADED))
                    .isTrue();
            PoolSnapshot degraded = pool.snapshot();
            assertThat(degraded.consecutiveFailures()).isGreaterThanOrEqualTo(2);
            assertThat(degraded.lastError()).isPresent();
            assertThat(degraded.createFailures()).isGreaterThanOrEqualTo(2);
            try (LocalSandboxServer back =
                    LocalSandboxServer.builder().port(port).start()) {
                assertThat(await(
                                WAIT,
                                () -> pool.snapshot().state() == PoolState.HEALTHY
                                        && pool.snapshot().idleCount() == 1))
                        .isTrue();
                assertThat(pool.snapshot().consecutiveFailures()).isZero();
                pool.close();
                assertThat(back.port()).isEqualTo(port);
            }
        }
    }

    @Test
    void anInvalidSandboxDescription_isRefusedAtStart_beforeAnySandboxIsCreated(ConnectionConfig config) {
        assertThatThrownBy(() -> pool(config, 2)
                        .sandbox(b -> b.image("ubuntu:24.04")
                                .metadata("pool-test", tag)
                                .resource(" ", "1"))
                        .start())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("sandbox description")
                .hasMessageContaining("resource name");
        assertThatThrownBy(() -> pool(config, 2)
                        .sandbox(b -> {
                            throw new IllegalStateException("template broken");
                        })
                        .start())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("template broken");
        assertThat(running(config, tag)).isEmpty();
        assertThat(poolThreads("test-" + tag)).isZero();
    }

    @Test
    void everyOption_isCheckedBeforeAnyRequest() {
        Consumer<SandboxPool.Builder> none = b -> {};
        List<Runnable> bad = List.of(
                () -> SandboxPool.builder().poolName(" "),
                () -> SandboxPool.builder().maxIdle(-1),
                () -> SandboxPool.builder().maxIdle(10_001),
                () -> SandboxPool.builder().warmupConcurrency(0),
                () -> SandboxPool.builder().idleTimeout(Duration.ZERO),
                () -> SandboxPool.builder().idleTimeout(Duration.ofDays(2)),
                () -> SandboxPool.builder().acquireMinRemainingTtl(Duration.ofSeconds(-1)),
                () -> SandboxPool.builder().reconcileInterval(Duration.ZERO),
                () -> SandboxPool.builder().primaryLockTtl(Duration.ofSeconds(-1)),
                () -> SandboxPool.builder().degradedThreshold(0),
                () -> SandboxPool.builder().degradedBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
                () -> SandboxPool.builder().drainTimeout(Duration.ofSeconds(-1)),
                () -> SandboxPool.builder().leaseTimeout(Duration.ZERO),
                () -> SandboxPool.builder().image(""),
                () -> SandboxPool.builder().maxIdle(1).image("x").start(),
                () -> SandboxPool.builder().poolName("p").image("x").start(),
                () -> SandboxPool.builder().poolName("p").maxIdle(1).start(),
                () -> SandboxPool.builder()
                        .poolName("p")
                        .maxIdle(1)
                        .image("x")
                        .idleTimeout(Duration.ofMinutes(1))
                        .acquireMinRemainingTtl(Duration.ofMinutes(1))
                        .start(),
                () -> SandboxPool.builder()
                        .poolName("p")
                        .maxIdle(1)
                        .image("x")
                        .reconcileInterval(Duration.ofSeconds(60))
                        .primaryLockTtl(Duration.ofSeconds(60))
                        .start());
        for (Runnable call : bad) {
            assertThatThrownBy(call::run).isInstanceOf(InvalidArgumentException.class);
        }
        none.accept(SandboxPool.builder());
    }
}
