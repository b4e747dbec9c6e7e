package io.opensandbox.pool.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.pool.IdleEntry;
import io.opensandbox.pool.IdleTake;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Interoperability with the official SDKs' Redis store (Kotlin {@code RedisPoolStateStore}, Python
 * {@code opensandbox.redis_pool_store}), which is not on Maven Central: a raw Redis client plays the official
 * worker, reading and writing the keys with the same commands and values as the official scripts (RPUSH on the
 * list and HSET of {@code TIME + idleTtlMillis} on the hash to put; LPOP then HGET/HDEL to take; SET NX PX for the
 * lock; decimal strings for {@code maxIdle} and {@code idleTtlMillis}), under the default prefix.
 */
class OfficialLayoutInteropTest {
    private final RedisClient raw = RedisClient.create(LocalRedis.HOST, LocalRedis.SHARED_PORT);
    private final RedisPoolStateStore ours = RedisPoolStateStore.builder().build();
    private final String pool = "interop/" + UUID.randomUUID() + "/пул";
    private final String prefix = "opensandbox:pool:{"
            + Base64.getUrlEncoder().withoutPadding().encodeToString(pool.getBytes(StandardCharsets.UTF_8)) + "}:";

    @AfterEach
    void cleanUp() {
        raw.del(
                prefix + "idle:list",
                prefix + "idle:expires",
                prefix + "lock",
                prefix + "maxIdle",
                prefix + "idleTtlMillis");
        raw.close();
        ours.close();
    }

    private long redisNowMillis() {
        List<?> time = (List<?>) raw.eval("return redis.call('TIME')");
        return Long.parseLong(String.valueOf(time.get(0))) * 1000 + Long.parseLong(String.valueOf(time.get(1))) / 1000;
    }

    /** What an official worker does to put a sandbox idle. */
    private void officialPut(String id, long ttlMillis) {
        raw.rpush(prefix + "idle:list", id);
        raw.hset(prefix + "idle:expires", id, Long.toString(redisNowMillis() + ttlMillis));
    }

    /** What an official worker does to take one (without the minimum-TTL filter). */
    private String officialTake() {
        while (true) {
            String id = raw.lpop(prefix + "idle:list");
            if (id == null) {
                return null;
            }
            String expires = raw.hget(prefix + "idle:expires", id);
            if (expires != null) {
                raw.hdel(prefix + "idle:expires", id);
                if (Long.parseLong(expires) > redisNowMillis()) {
                    return id;
                }
            }
        }
    }

    @Test
    void sandboxesPutByAnOfficialWorker_areTakenByOurs_inOrder_andOnce() {
        officialPut("sbx-1", 600_000);
        officialPut("sbx-2", 600_000);
        raw.set(prefix + "maxIdle", "4");
        assertThat(ours.idleCount(pool)).isEqualTo(2);
        assertThat(ours.maxIdle(pool)).hasValue(4);
        assertThat(ours.idleEntries(pool)).extracting(IdleEntry::sandboxId).containsExactly("sbx-1", "sbx-2");
        assertThat(ours.takeIdle(pool, Duration.ofSeconds(60)).sandboxId()).contains("sbx-1");
        assertThat(officialTake()).isEqualTo("sbx-2");
        assertThat(ours.takeIdle(pool, Duration.ZERO).sandboxId()).isEmpty();
    }

    @Test
    void nearExpiryEntriesOfAnOfficialWorker_areDiscardedAlive() {
        officialPut("near", 30_000);
        officialPut("fresh", 600_000);
        IdleTake take = ours.takeIdle(pool, Duration.ofSeconds(60));
        assertThat(take.sandboxId()).contains("fresh");
        assertThat(take.discardedAlive()).containsExactly("near");
    }

    @Test
    void sandboxesPutByOurs_areTakenByAnOfficialWorker_withTheIdleTtlItWrote() {
        ours.setIdleTtl(pool, Duration.ofMinutes(7));
        ours.setMaxIdle(pool, 3);
        assertThat(raw.get(prefix + "idleTtlMillis")).isEqualTo("420000");
        assertThat(raw.get(prefix + "maxIdle")).isEqualTo("3");
        long before = redisNowMillis();
        ours.putIdle(pool, "ours-1");
        ours.putIdle(pool, "ours-2");
        assertThat(raw.lrange(prefix + "idle:list", 0, -1)).containsExactly("ours-1", "ours-2");
        long expires = Long.parseLong(raw.hget(prefix + "idle:expires", "ours-1"));
        assertThat(expires).isBetween(before + 420_000, redisNowMillis() + 420_000);
        assertThat(officialTake()).isEqualTo("ours-1");
        assertThat(ours.takeIdle(pool, Duration.ZERO).sandboxId()).contains("ours-2");
    }

    @Test
    void primaryLock_isSharedWithOfficialWorkers() {
        assertThat(raw.set(
                        prefix + "lock",
                        "kotlin-worker",
                        SetParams.setParams().nx().px(30_000)))
                .isEqualTo("OK");
        assertThat(ours.tryAcquirePrimaryLock(pool, "java-worker", Duration.ofSeconds(30)))
                .isFalse();
        raw.del(prefix + "lock");
        assertThat(ours.tryAcquirePrimaryLock(pool, "java-worker", Duration.ofSeconds(30)))
                .isTrue();
        assertThat(raw.get(prefix + "lock")).isEqualTo("java-worker");
        assertThat(raw.pttl(prefix + "lock")).isBetween(1L, 30_000L);
        assertThat(raw.set(
                        prefix + "lock",
                        "kotlin-worker",
                        SetParams.setParams().nx().px(30_000)))
                .isNull();
    }
}
