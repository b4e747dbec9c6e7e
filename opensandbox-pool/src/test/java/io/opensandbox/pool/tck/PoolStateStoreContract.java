package io.opensandbox.pool.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.pool.IdleEntry;
import io.opensandbox.pool.IdleTake;
import io.opensandbox.pool.PoolStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PoolStateStore} must have; each store's test extends it. Each test uses a pool name of
 * its own, so a shared store (a real Redis) serves every test at once.
 */
public abstract class PoolStateStoreContract {

    /**
     * The store under test.
     *
     * @return the store
     */
    protected abstract PoolStateStore store();

    /**
     * A pool name no other test uses.
     *
     * @return the name
     */
    protected String freshPool() {
        return "contract-" + UUID.randomUUID();
    }

    /** Waits (bounded) until the store's clock has passed {@code instant}. */
    protected static void sleepPast(Instant instant) throws InterruptedException {
        for (int i = 0; i < 200 && !Instant.now().isAfter(instant.plusMillis(20)); i++) {
            Thread.sleep(10);
        }
    }

    @Test
    void takeIdle_returnsOldestFirst_andEachIdOnce() {
        String pool = freshPool();
        store().putIdle(pool, "a");
        store().putIdle(pool, "b");
        store().putIdle(pool, "c");
        assertThat(store().idleCount(pool)).isEqualTo(3);
        assertThat(store().takeIdle(pool, Duration.ZERO).sandboxId()).contains("a");
        assertThat(store().takeIdle(pool, Duration.ZERO).sandboxId()).contains("b");
        assertThat(store().takeIdle(pool, Duration.ZERO).sandboxId()).contains("c");
        IdleTake empty = store().takeIdle(pool, Duration.ZERO);
        assertThat(empty.sandboxId()).isEmpty();
        assertThat(empty.discardedAlive()).isEmpty();
        assertThat(store().idleCount(pool)).isZero();
    }

    @Test
    void putIdle_isIdempotentWhileTheEntryLives() {
        String pool = freshPool();
        assertThat(store().putIdle(pool, "a")).isTrue();
        assertThat(store().putIdle(pool, "a")).isFalse();
        assertThat(store().idleEntries(pool)).extracting(IdleEntry::sandboxId).containsExactly("a");
    }

    @Test
    void idleEntries_expireAfterTheIdleTtl() {
        String pool = freshPool();
        store().setIdleTtl(pool, Duration.ofMinutes(10));
        Instant before = Instant.now();
        store().putIdle(pool, "a");
        IdleEntry entry = store().idleEntries(pool).get(0);
        assertThat(entry.expiresAt())
                .isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(5), before.plus(Duration.ofMinutes(11)));
    }

    @Test
    void takeIdle_dropsEntriesTooCloseToExpiry_andReportsTheAliveOnes() {
        String pool = freshPool();
        store().setIdleTtl(pool, Duration.ofSeconds(30));
        store().putIdle(pool, "near-1");
        store().putIdle(pool, "near-2");
        store().setIdleTtl(pool, Duration.ofMinutes(10));
        store().putIdle(pool, "fresh");
        IdleTake take = store().takeIdle(pool, Duration.ofMinutes(1));
        assertThat(take.sandboxId()).contains("fresh");
        assertThat(take.discardedAlive()).containsExactly("near-1", "near-2");
        assertThat(store().idleCount(pool)).isZero();
    }

    @Test
    void takeIdle_dropsExpiredEntriesSilently() throws InterruptedException {
        String pool = freshPool();
        store().setIdleTtl(pool, Duration.ofMillis(100));
        store().putIdle(pool, "old");
        sleepPast(store().idleEntries(pool).get(0).expiresAt());
        IdleTake take = store().takeIdle(pool, Duration.ZERO);
        assertThat(take.sandboxId()).isEmpty();
        assertThat(take.discardedAlive()).isEmpty();
        assertThat(store().idleCount(pool)).isZero();
    }

    @Test
    void putIdle_ofAnExpiredEntry_refreshesIt() throws InterruptedException {
        String pool = freshPool();
        store().setIdleTtl(pool, Duration.ofMillis(100));
        store().putIdle(pool, "a");
        sleepPast(store().idleEntries(pool).get(0).expiresAt());
        store().setIdleTtl(pool, Duration.ofMinutes(5));
        assertThat(store().putIdle(pool, "a")).isTrue();
        assertThat(store().idleEntries(pool)).hasSize(1);
        assertThat(store().takeIdle(pool, Duration.ZERO).sandboxId()).contains("a");
    }

    @Test
    void reapExpiredIdle_removesEntriesBelowTheMinimum_andReturnsTheAliveOnes() throws InterruptedException {
        String pool = freshPool();
        store().setIdleTtl(pool, Duration.ofMillis(100));
        store().putIdle(pool, "expired");
        sleepPast(store().idleEntries(pool).get(0).expiresAt());
        store().setIdleTtl(pool, Duration.ofSeconds(30));
        store().putIdle(pool, "near");
        store().setIdleTtl(pool, Duration.ofMinutes(10));
        store().putIdle(pool, "fresh");
        assertThat(store().reapExpiredIdle(pool, Duration.ofMinutes(1))).containsExactly("near");
        assertThat(store().idleEntries(pool)).extracting(IdleEntry::sandboxId).containsExactly("fresh");
    }

    @Test
    void removeIdle_isIdempotent() {
        String pool = freshPool();
        store().putIdle(pool, "a");
        store().putIdle(pool, "b");
        store().removeIdle(pool, "a");
        store().removeIdle(pool, "a");
        assertThat(store().idleEntries(pool)).extracting(IdleEntry::sandboxId).containsExactly("b");
    }

    @Test
    void primaryLock_isHeldByOneOwner_renewedAndReleasedOnlyByIt() {
        String pool = freshPool();
        Duration ttl = Duration.ofSeconds(30);
        assertThat(store().tryAcquirePrimaryLock(pool, "one", ttl)).isTrue();
        assertThat(store().tryAcquirePrimaryLock(pool, "one", ttl)).isTrue();
        assertThat(store().tryAcquirePrimaryLock(pool, "two", ttl)).isFalse();
        assertThat(store().renewPrimaryLock(pool, "two", ttl)).isFalse();
        assertThat(store().renewPrimaryLock(pool, "one", ttl)).isTrue();
        store().releasePrimaryLock(pool, "two");
        assertThat(store().tryAcquirePrimaryLock(pool, "two", ttl)).isFalse();
        store().releasePrimaryLock(pool, "one");
        assertThat(store().tryAcquirePrimaryLock(pool, "two", ttl)).isTrue();
    }

    @Test
    void primaryLock_passesToAnotherOwnerWhenItExpires() throws InterruptedException {
        String pool = freshPool();
        assertThat(store().tryAcquirePrimaryLock(pool, "one", Duration.ofMillis(150)))
                .isTrue();
        Instant expiry = Instant.now().plusMillis(150);
        sleepPast(expiry);
        assertThat(store().renewPrimaryLock(pool, "one", Duration.ofSeconds(30)))
                .isFalse();
        assertThat(store().tryAcquirePrimaryLock(pool, "two", Duration.ofSeconds(30)))
                .isTrue();
    }

    @Test
    void maxIdle_isEmptyUntilSet() {
        String pool = freshPool();
        assertThat(store().maxIdle(pool)).isEmpty();
        store().setMaxIdle(pool, 7);
        assertThat(store().maxIdle(pool)).hasValue(7);
        store().setMaxIdle(pool, 0);
        assertThat(store().maxIdle(pool)).hasValue(0);
    }

    @Test
    void pools_doNotSeeEachOther() {
        String one = freshPool();
        String two = freshPool();
        store().putIdle(one, "a");
        assertThat(store().idleCount(two)).isZero();
        assertThat(store().takeIdle(two, Duration.ZERO).sandboxId()).isEmpty();
        assertThat(store().idleCount(one)).isEqualTo(1);
    }

    @Test
    void badArguments_areRejectedBeforeTheStoreIsAsked() {
        String pool = freshPool();
        assertThatThrownBy(() -> store().putIdle(pool, " ")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().putIdle(" ", "a")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().takeIdle(pool, Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().setMaxIdle(pool, -1)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().setIdleTtl(pool, Duration.ZERO)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().tryAcquirePrimaryLock(pool, "", Duration.ofSeconds(1)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> store().tryAcquirePrimaryLock(pool, "x", Duration.ZERO))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void concurrentTakes_handEveryIdToExactlyOneCaller() throws Exception {
        String pool = freshPool();
        int ids = 500;
        for (int i = 0; i < ids; i++) {
            store().putIdle(pool, "id-" + i);
        }
        int threads = 16;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    while (true) {
                        var taken = store().takeIdle(pool, Duration.ZERO).sandboxId();
                        if (taken.isEmpty()) {
                            return mine;
                        }
                        mine.add(taken.get());
                    }
                }));
            }
            start.countDown();
            List<String> all = Collections.synchronizedList(new ArrayList<>());
            for (Future<List<String>> result : results) {
                all.addAll(result.get(60, TimeUnit.SECONDS));
            }
            Set<String> distinct = new HashSet<>(all);
            assertThat(all).hasSize(ids);
            assertThat(distinct).hasSize(ids);
        } finally {
            executor.shutdownNow();
        }
    }
}
