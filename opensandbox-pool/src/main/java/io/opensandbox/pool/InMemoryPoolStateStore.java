package io.opensandbox.pool;

import io.opensandbox.pool.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PoolStateStore} in this JVM's memory, for pools that do not share their sandboxes with other
 * processes. Thread-safe; several pools of one JVM may share one instance (one primary among them). Its state is
 * lost with the JVM, so a pool that created its own in-memory store kills the idle sandboxes when it closes.
 */
public final class InMemoryPoolStateStore implements PoolStateStore {
    private static final Duration DEFAULT_IDLE_TTL = Duration.ofHours(24);

    private final LongSupplier clockMillis;
    private final Map<String, PoolData> pools = new ConcurrentHashMap<>();

    InMemoryPoolStateStore(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /**
     * A new, empty store on the system clock.
     *
     * @return the store
     */
    public static InMemoryPoolStateStore create() {
        return new InMemoryPoolStateStore(System::currentTimeMillis);
    }

    /** The state of one pool; every access holds its monitor. */
    private static final class PoolData {
        /** Sandbox id to expiry (epoch millis), in insertion order: the idle list, oldest first. */
        private final LinkedHashMap<String, Long> idle = new LinkedHashMap<>();

        private @Nullable String lockOwner;
        private long lockExpiresAt;
        private @Nullable Integer maxIdle;
        private long idleTtlMillis = DEFAULT_IDLE_TTL.toMillis();
    }

    private PoolData pool(String poolName) {
        return pools.computeIfAbsent(Checks.nonBlank(poolName, "poolName"), name -> new PoolData());
    }

    @Override
    public IdleTake takeIdle(String poolName, Duration minRemainingTtl) {
        long minMillis = Checks.notNegative(minRemainingTtl, "minRemainingTtl").toMillis();
        PoolData data = pool(poolName);
        synchronized (data) {
            long now = clockMillis.getAsLong();
            List<String> discarded = new ArrayList<>();
            Iterator<Map.Entry<String, Long>> entries = data.idle.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<String, Long> entry = entries.next();
                entries.remove();
                long expiresAt = entry.getValue();
                if (expiresAt > now + minMillis) {
                    return IdleTake.of(entry.getKey(), discarded);
                }
                if (expiresAt > now) {
                    discarded.add(entry.getKey());
                }
            }
            return IdleTake.of(null, discarded);
        }
    }

    @Override
    public boolean putIdle(String poolName, String sandboxId) {
        Checks.nonBlank(sandboxId, "sandboxId");
        PoolData data = pool(poolName);
        synchronized (data) {
            long now = clockMillis.getAsLong();
            Long current = data.idle.get(sandboxId);
            if (current != null && current > now) {
                return false;
            }
            // an expired entry keeps its place in the list, as the Redis store's script does
            data.idle.put(sandboxId, now + data.idleTtlMillis);
            return true;
        }
    }

    @Override
    public void removeIdle(String poolName, String sandboxId) {
        Objects.requireNonNull(sandboxId, "sandboxId");
        PoolData data = pool(poolName);
        synchronized (data) {
            data.idle.remove(sandboxId);
        }
    }

    @Override
    public List<String> reapExpiredIdle(String poolName, Duration minRemainingTtl) {
        long minMillis = Checks.notNegative(minRemainingTtl, "minRemainingTtl").toMillis();
        PoolData data = pool(poolName);
        synchronized (data) {
            long now = clockMillis.getAsLong();
            List<String> discarded = new ArrayList<>();
            data.idle.entrySet().removeIf(entry -> {
                long expiresAt = entry.getValue();
                if (expiresAt > now + minMillis) {
                    return false;
                }
                if (expiresAt > now) {
                    discarded.add(entry.getKey());
                }
                return true;
            });
            return discarded;
        }
    }

    @Override
    public int idleCount(String poolName) {
        PoolData data = pool(poolName);
        synchronized (data) {
            return data.idle.size();
        }
    }

    @Override
    public List<IdleEntry> idleEntries(String poolName) {
        PoolData data = pool(poolName);
        synchronized (data) {
            List<IdleEntry> entries = new ArrayList<>(data.idle.size());
            data.idle.forEach((id, expiresAt) -> entries.add(new IdleEntry(id, Instant.ofEpochMilli(expiresAt))));
            return entries;
        }
    }

    @Override
    public boolean tryAcquirePrimaryLock(String poolName, String ownerId, Duration ttl) {
        Checks.nonBlank(ownerId, "ownerId");
        long ttlMillis = Checks.positive(ttl, "ttl").toMillis();
        PoolData data = pool(poolName);
        synchronized (data) {
            long now = clockMillis.getAsLong();
            if (data.lockOwner == null || data.lockExpiresAt <= now || data.lockOwner.equals(ownerId)) {
                data.lockOwner = ownerId;
                data.lockExpiresAt = now + Math.max(1, ttlMillis);
                return true;
            }
            return false;
        }
    }

    @Override
    public boolean renewPrimaryLock(String poolName, String ownerId, Duration ttl) {
        Checks.nonBlank(ownerId, "ownerId");
        long ttlMillis = Checks.positive(ttl, "ttl").toMillis();
        PoolData data = pool(poolName);
        synchronized (data) {
            long now = clockMillis.getAsLong();
            if (ownerId.equals(data.lockOwner) && data.lockExpiresAt > now) {
                data.lockExpiresAt = now + Math.max(1, ttlMillis);
                return true;
            }
            return false;
        }
    }

    @Override
    public void releasePrimaryLock(String poolName, String ownerId) {
        PoolData data = pool(poolName);
        synchronized (data) {
            if (Objects.equals(ownerId, data.lockOwner)) {
                data.lockOwner = null;
            }
        }
    }

    @Override
    public OptionalInt maxIdle(String poolName) {
        PoolData data = pool(poolName);
        synchronized (data) {
            return data.maxIdle == null ? OptionalInt.empty() : OptionalInt.of(data.maxIdle);
        }
    }

    @Override
    public void setMaxIdle(String poolName, int maxIdle) {
        Checks.notNegative(maxIdle, "maxIdle");
        PoolData data = pool(poolName);
        synchronized (data) {
            data.maxIdle = maxIdle;
        }
    }

    @Override
    public void setIdleTtl(String poolName, Duration idleTtl) {
        long millis = Checks.positive(idleTtl, "idleTtl").toMillis();
        PoolData data = pool(poolName);
        synchronized (data) {
            data.idleTtlMillis = Math.max(1, millis);
        }
    }

    @Override
    public String toString() {
        return "InMemoryPoolStateStore{pools=" + pools.keySet() + "}";
    }
}
