package io.opensandbox.pool.redis;

import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.pool.IdleEntry;
import io.opensandbox.pool.IdleTake;
import io.opensandbox.pool.PoolStateStore;
import io.opensandbox.pool.PoolStateStoreUnavailableException;
import io.opensandbox.pool.internal.Checks;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link PoolStateStore} in Redis, shared by every process that names the same Redis, key prefix and pool:
 * Java pools, and the pools of the official Kotlin, Python and JavaScript SDKs alike. Thread-safe; it owns its
 * Redis connection pool, which {@link #close()} closes (the {@code SandboxPool} never closes a store).
 *
 * <p>Keys of pool {@code P} under prefix {@code opensandbox:pool} (the default), with {@code T} the unpadded
 * base64url of {@code P}'s UTF-8 bytes (the braces make every key of a pool one Redis hash slot):
 * <ul>
 *   <li>{@code opensandbox:pool:{T}:idle:list} — list of idle sandbox ids, oldest first;
 *   <li>{@code opensandbox:pool:{T}:idle:expires} — hash sandbox id to expiry, epoch milliseconds of Redis's clock;
 *   <li>{@code opensandbox:pool:{T}:lock} — the primary's owner id, with a Redis TTL;
 *   <li>{@code opensandbox:pool:{T}:maxIdle} — the cluster-wide idle target, a decimal string;
 *   <li>{@code opensandbox:pool:{T}:idleTtlMillis} — the idle entry lifetime, decimal milliseconds (24 h if
 *       missing).
 * </ul>
 * Take, put, reap, renew and release run as Lua scripts on Redis's own clock ({@code TIME}), so they are atomic
 * and no two clients ever take the same sandbox. Any failure to reach Redis is a
 * {@link PoolStateStoreUnavailableException}.
 *
 * <pre>{@code
 * try (RedisPoolStateStore store = RedisPoolStateStore.builder().uri("redis://127.0.0.1:6379/0").build();
 *      SandboxPool pool = SandboxPool.builder().poolName("agents").maxIdle(10).image("python:3.12")
 *              .stateStore(store).start()) {
 *     ...
 * }
 * }</pre>
 */
// The Lua scripts stay concatenated lines: each line reads as one script line, and text blocks would re-indent them.
@SuppressWarnings("StringConcatToTextBlock")
public final class RedisPoolStateStore implements PoolStateStore, AutoCloseable {
    /** The key prefix of the official SDKs. */
    public static final String DEFAULT_KEY_PREFIX = "opensandbox:pool";

    private static final Duration DEFAULT_IDLE_TTL = Duration.ofHours(24);

    // The five scripts do what the official SDKs' scripts do, step for step; only their text is ours.
    private static final String NOW_MS = "local t = redis.call('TIME')\n"
            + "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n";

    /** KEYS: list, expires. ARGV: min remaining ms. Returns nil, or {taken id or '', {discarded alive ids}}. */
    static final String TAKE_SCRIPT = NOW_MS
            + "local cutoff = now + (tonumber(ARGV[1]) or 0)\n"
            + "local dropped = {}\n"
            + "while true do\n"
            + "  local id = redis.call('LPOP', KEYS[1])\n"
            + "  if not id then\n"
            + "    if #dropped == 0 then return nil end\n"
            + "    return {'', dropped}\n"
            + "  end\n"
            + "  local exp = redis.call('HGET', KEYS[2], id)\n"
            + "  if exp then\n"
            + "    redis.call('HDEL', KEYS[2], id)\n"
            + "    exp = tonumber(exp)\n"
            + "    if exp > cutoff then return {id, dropped} end\n"
            + "    if exp > now then dropped[#dropped + 1] = id end\n"
            + "  end\n"
            + "end\n";

    /** KEYS: list, expires. ARGV: id, ttl ms. Returns 1 when added, 0 when it was idle already. */
    static final String PUT_SCRIPT = NOW_MS
            + "local current = redis.call('HGET', KEYS[2], ARGV[1])\n"
            + "if current and tonumber(current) > now then return 0 end\n"
            + "if not current then redis.call('RPUSH', KEYS[1], ARGV[1]) end\n"
            + "redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[2]))\n"
            + "return 1\n";

    /** KEYS: list, expires. ARGV: min remaining ms. Returns the removed ids that were still alive. */
    static final String REAP_SCRIPT = NOW_MS
            + "local cutoff = now + (tonumber(ARGV[1]) or 0)\n"
            + "local dropped = {}\n"
            + "local all = redis.call('HGETALL', KEYS[2])\n"
            + "for i = 1, #all, 2 do\n"
            + "  local exp = tonumber(all[i + 1])\n"
            + "  if exp <= cutoff then\n"
            + "    redis.call('HDEL', KEYS[2], all[i])\n"
            + "    redis.call('LREM', KEYS[1], 0, all[i])\n"
            + "    if exp > now then dropped[#dropped + 1] = all[i] end\n"
            + "  end\n"
            + "end\n"
            + "return dropped\n";

    /** KEYS: lock. ARGV: owner, ttl ms. */
    static final String RENEW_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
            + "  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
            + "  return 1\n"
            + "end\n"
            + "return 0\n";

    /** KEYS: lock. ARGV: owner. */
    static final String RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
            + "  return redis.call('DEL', KEYS[1])\n"
            + "end\n"
            + "return 0\n";

    private final RedisClient redis;
    private final String keyPrefix;
    private final String description;

    private RedisPoolStateStore(RedisClient redis, String keyPrefix, String description) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.description = description;
    }

    /**
     * Starts describing a store; {@link Builder#build()} makes it (no connection is opened before the first
     * operation).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The key prefix.
     *
     * @return the prefix, {@value #DEFAULT_KEY_PREFIX} unless set
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /**
     * The Redis key of one of a pool's entries, as the official SDKs name it.
     *
     * @param poolName the pool
     * @param suffix {@code idle:list}, {@code idle:expires}, {@code lock}, {@code maxIdle} or {@code idleTtlMillis}
     * @return the key
     */
    public String key(String poolName, String suffix) {
        Checks.nonBlank(poolName, "poolName");
        String tag = Base64.getUrlEncoder().withoutPadding().encodeToString(poolName.getBytes(StandardCharsets.UTF_8));
        return keyPrefix + ":{" + tag + "}:" + suffix;
    }

    @Override
    public IdleTake takeIdle(String poolName, Duration minRemainingTtl) {
        long min = Checks.notNegative(minRemainingTtl, "minRemainingTtl").toMillis();
        List<String> keys = List.of(key(poolName, "idle:list"), key(poolName, "idle:expires"));
        Object result = run("takeIdle", poolName, () -> redis.eval(TAKE_SCRIPT, keys, List.of(Long.toString(min))));
        if (!(result instanceof List<?> list) || list.isEmpty()) {
            return IdleTake.empty();
        }
        String taken = text(list.get(0));
        List<String> dropped = list.size() > 1 ? texts(list.get(1)) : List.of();
        return IdleTake.of(taken == null || taken.isEmpty() ? null : taken, dropped);
    }

    @Override
    public boolean putIdle(String poolName, String sandboxId) {
        Checks.nonBlank(sandboxId, "sandboxId");
        List<String> keys = List.of(key(poolName, "idle:list"), key(poolName, "idle:expires"));
        String ttlKey = key(poolName, "idleTtlMillis");
        return run("putIdle", poolName, () -> {
            long ttl = parseLong(redis.get(ttlKey), DEFAULT_IDLE_TTL.toMillis());
            Object added = redis.eval(PUT_SCRIPT, keys, List.of(sandboxId, Long.toString(Math.max(1, ttl))));
            return Long.valueOf(1).equals(added);
        });
    }

    @Override
    public void removeIdle(String poolName, String sandboxId) {
        Objects.requireNonNull(sandboxId, "sandboxId");
        String list = key(poolName, "idle:list");
        String expires = key(poolName, "idle:expires");
        run("removeIdle", poolName, () -> {
            redis.hdel(expires, sandboxId);
            return redis.lrem(list, 0, sandboxId);
        });
    }

    @Override
    public List<String> reapExpiredIdle(String poolName, Duration minRemainingTtl) {
        long min = Checks.notNegative(minRemainingTtl, "minRemainingTtl").toMillis();
        List<String> keys = List.of(key(poolName, "idle:list"), key(poolName, "idle:expires"));
        return texts(
                run("reapExpiredIdle", poolName, () -> redis.eval(REAP_SCRIPT, keys, List.of(Long.toString(min)))));
    }

    @Override
    public int idleCount(String poolName) {
        String expires = key(poolName, "idle:expires");
        return Math.toIntExact(run("idleCount", poolName, () -> redis.hlen(expires)));
    }

    @Override
    public List<IdleEntry> idleEntries(String poolName) {
        String list = key(poolName, "idle:list");
        String expires = key(poolName, "idle:expires");
        return run("idleEntries", poolName, () -> {
            List<String> ids = redis.lrange(list, 0, -1);
            Map<String, String> expiry = redis.hgetAll(expires);
            List<IdleEntry> entries = new ArrayList<>(ids.size());
            for (String id : ids) {
                long at = parseLong(expiry.get(id), -1);
                if (at >= 0 && !id.isBlank()) {
                    entries.add(new IdleEntry(id, Instant.ofEpochMilli(at)));
                }
            }
            return entries;
        });
    }

    @Override
    public boolean tryAcquirePrimaryLock(String poolName, String ownerId, Duration ttl) {
        Checks.nonBlank(ownerId, "ownerId");
        long millis = Math.max(1, Checks.positive(ttl, "ttl").toMillis());
        String lock = key(poolName, "lock");
        return run("tryAcquirePrimaryLock", poolName, () -> {
            if ("OK".equals(redis.set(lock, ownerId, SetParams.setParams().nx().px(millis)))) {
                return true;
            }
            return Long.valueOf(1)
                    .equals(redis.eval(RENEW_SCRIPT, List.of(lock), List.of(ownerId, Long.toString(millis))));
        });
    }

    @Override
    public boolean renewPrimaryLock(String poolName, String ownerId, Duration ttl) {
        Checks.nonBlank(ownerId, "ownerId");
        long millis = Math.max(1, Checks.positive(ttl, "ttl").toMillis());
        String lock = key(poolName, "lock");
        return run(
                "renewPrimaryLock",
                poolName,
                () -> Long.valueOf(1)
                        .equals(redis.eval(RENEW_SCRIPT, List.of(lock), List.of(ownerId, Long.toString(millis)))));
    }

    @Override
    public void releasePrimaryLock(String poolName, String ownerId) {
        Checks.nonBlank(ownerId, "ownerId");
        String lock = key(poolName, "lock");
        run("releasePrimaryLock", poolName, () -> redis.eval(RELEASE_SCRIPT, List.of(lock), List.of(ownerId)));
    }

    @Override
    public OptionalInt maxIdle(String poolName) {
        String key = key(poolName, "maxIdle");
        String value = run("maxIdle", poolName, () -> redis.get(key));
        long parsed = parseLong(value, -1);
        return parsed < 0 || parsed > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) parsed);
    }

    @Override
    public void setMaxIdle(String poolName, int maxIdle) {
        Checks.notNegative(maxIdle, "maxIdle");
        String key = key(poolName, "maxIdle");
        run("setMaxIdle", poolName, () -> redis.set(key, Integer.toString(maxIdle)));
    }

    @Override
    public void setIdleTtl(String poolName, Duration idleTtl) {
        long millis = Math.max(1, Checks.positive(idleTtl, "idleTtl").toMillis());
        String key = key(poolName, "idleTtlMillis");
        run("setIdleTtl", poolName, () -> redis.set(key, Long.toString(millis)));
    }

    /** Closes the Redis connections. Idempotent. */
    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "RedisPoolStateStore{" + description + ", keyPrefix=" + keyPrefix + "}";
    }

    private <T> T run(String operation, String poolName, Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PoolStateStoreUnavailableException(
                    "Redis pool state store operation " + operation + " failed for pool " + poolName + " on "
                            + description + ": " + e.getMessage(),
                    e);
        }
    }

    private static long parseLong(@Nullable String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static @Nullable String text(@Nullable Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return null;
    }

    private static List<String> texts(@Nullable Object value) {
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : list) {
            String s = text(item);
            if (s != null && !s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Describes a {@link RedisPoolStateStore}: where Redis is, how to log in, timeouts, the connection pool and
     * the key prefix. Every setter checks its argument ({@link InvalidArgumentException}); nothing connects
     * before the store's first operation. Not thread-safe.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 6379;
        private int database;
        private @Nullable String username;
        private @Nullable String password;
        private boolean ssl;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration socketTimeout = Duration.ofSeconds(2);
        private int maxConnections = 32;
        private String keyPrefix = DEFAULT_KEY_PREFIX;

        private Builder() {}

        /**
         * Host, port, database and credentials from a URI: {@code redis://[user[:password]@]host[:port][/db]}, or
         * {@code rediss://} for TLS.
         *
         * @param uri the URI
         * @return this builder
         */
        public Builder uri(String uri) {
            Checks.nonBlank(uri, "uri");
            URI parsed;
            try {
                parsed = new URI(uri);
            } catch (URISyntaxException e) {
                // the text may hold a password: it is not repeated
                throw new InvalidArgumentException("the Redis URI is not a valid URI", null);
            }
            String scheme = parsed.getScheme();
            if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
                throw new InvalidArgumentException("the Redis URI must start with redis:// or rediss://", null);
            }
            if (parsed.getHost() == null) {
                throw new InvalidArgumentException("the Redis URI names no host", null);
            }
            host(parsed.getHost());
            port(parsed.getPort() == -1 ? 6379 : parsed.getPort());
            ssl("rediss".equals(scheme));
            String path = parsed.getPath();
            if (path != null && path.length() > 1) {
                try {
                    database(Integer.parseInt(path.substring(1)));
                } catch (NumberFormatException e) {
                    throw new InvalidArgumentException("the Redis URI's path must be a database number", null);
                }
            }
            String userInfo = parsed.getUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
                this.username = user.isEmpty() ? null : user;
                this.password = colon < 0 ? null : userInfo.substring(colon + 1);
            }
            return this;
        }

        /**
         * The host (default {@code 127.0.0.1}).
         *
         * @param host not blank
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Checks.nonBlank(host, "host");
            return this;
        }

        /**
         * The port (default 6379).
         *
         * @param port 1 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new InvalidArgumentException("port must be between 1 and 65535, not " + port, null);
            }
            this.port = port;
            return this;
        }

        /**
         * The database number (default 0).
         *
         * @param database zero or more
         * @return this builder
         */
        public Builder database(int database) {
            this.database = Checks.notNegative(database, "database");
            return this;
        }

        /**
         * Logs in with a user name and password (Redis ACL); never logged or shown.
         *
         * @param username the user, or {@code null} for the default user
         * @param password the password
         * @return this builder
         */
        public Builder credentials(@Nullable String username, String password) {
            this.username = username == null || username.isBlank() ? null : username;
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Connects with TLS (default {@code false}).
         *
         * @param ssl whether to use TLS
         * @return this builder
         */
        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        /**
         * The longest wait to connect (default 2 s).
         *
         * @param timeout positive, at most a minute
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = upToAMinute(timeout, "connectTimeout");
            return this;
        }

        /**
         * The longest wait for one reply (default 2 s).
         *
         * @param timeout positive, at most a minute
         * @return this builder
         */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = upToAMinute(timeout, "socketTimeout");
            return this;
        }

        /**
         * The most connections open at once (default 32); callers beyond it wait for a free one.
         *
         * @param max 1 to 1,024
         * @return this builder
         */
        public Builder maxConnections(int max) {
            if (max < 1 || max > 1024) {
                throw new InvalidArgumentException("maxConnections must be between 1 and 1024, not " + max, null);
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * The key prefix (default {@value #DEFAULT_KEY_PREFIX}, as the official SDKs). Every node of one pool
         * uses the same prefix.
         *
         * @param keyPrefix not blank
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Checks.nonBlank(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * Makes the store. Opens no connection yet.
         *
         * @return the store; close it after the pools that use it
         */
        public RedisPoolStateStore build() {
            DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                    .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                    .database(database)
                    .clientName("opensandbox-pool");
            if (ssl) {
                // TLS with the JDK's trust store, certificate and host name checked (ssl(boolean) is deprecated)
                client.sslOptions(
                        SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
            }
            if (username != null) {
                client.user(username);
            }
            if (password != null) {
                client.password(password);
            }
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(maxConnections);
            pool.setMaxIdle(maxConnections);
            pool.setMaxWait(connectTimeout.plus(socketTimeout));
            pool.setTestWhileIdle(false);
            RedisClient redis = RedisClient.builder()
                    .hostAndPort(host, port)
                    .clientConfig(client.build())
                    .poolConfig(pool)
                    .build();
            String description = (ssl ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
            return new RedisPoolStateStore(redis, keyPrefix, description);
        }

        private static Duration upToAMinute(Duration value, String name) {
            Checks.positive(value, name);
            if (value.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new InvalidArgumentException(name + " must be at most a minute, not " + value, null);
            }
            return value;
        }
    }
}
