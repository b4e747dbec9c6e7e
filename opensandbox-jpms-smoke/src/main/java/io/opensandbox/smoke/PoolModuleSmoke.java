package io.opensandbox.smoke;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Checks, on the module path, that {@code io.opensandbox.pool.redis} resolves with its own {@code requires} alone
 * (run with {@code --add-modules io.opensandbox.pool.redis}, not {@code ALL-MODULE-PATH}, so a dependency Jedis needs
 * but the module does not name fails here): builds a Redis store and asks 127.0.0.1:6379 for an idle count, which
 * loads Jedis, its connection pool and the store's scripts. A Redis that does not answer is fine: the typed
 * {@code PoolStateStoreUnavailableException} proves the same code ran. The smoke module does not read the pool
 * modules, so it calls them reflectively through their exported packages.
 */
public final class PoolModuleSmoke {
    private PoolModuleSmoke() {}

    /**
     * Runs the check; exits non-zero on failure.
     *
     * @param args none
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Module redisModule = ModuleLayer.boot()
                .findModule("io.opensandbox.pool.redis")
                .orElseThrow(() -> new IllegalStateException("io.opensandbox.pool.redis is not in the boot layer"));
        Class<?> storeType = Class.forName(redisModule, "io.opensandbox.pool.redis.RedisPoolStateStore");
        Object builder = storeType.getMethod("builder").invoke(null);
        Object store = builder.getClass().getMethod("build").invoke(builder);
        Method idleCount = storeType.getMethod("idleCount", String.class);
        String outcome;
        try {
            outcome = "idle count " + idleCount.invoke(store, "jpms-smoke");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause == null
                    || !cause.getClass().getName().equals("io.opensandbox.pool.PoolStateStoreUnavailableException")) {
                throw e;
            }
            outcome = "Redis not answering, failure typed as it should be";
        } finally {
            storeType.getMethod("close").invoke(store);
        }
        Module poolModule = storeType
                .getModule()
                .getLayer()
                .findModule("io.opensandbox.pool")
                .orElseThrow();
        Class<?> memory = Class.forName(poolModule, "io.opensandbox.pool.InMemoryPoolStateStore");
        Object inMemory = memory.getMethod("create").invoke(null);
        memory.getMethod("putIdle", String.class, String.class).invoke(inMemory, "p", "s");
        System.out.println("pool modules on the module path: " + outcome + "; in-memory store holds "
                + memory.getMethod("idleCount", String.class).invoke(inMemory, "p"));
    }
}
