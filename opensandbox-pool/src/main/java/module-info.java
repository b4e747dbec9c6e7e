/**
 * A client-side pool of warm sandboxes: {@link io.opensandbox.pool.SandboxPool} keeps up to {@code maxIdle}
 * ready sandboxes and hands one out in milliseconds, creating one directly (or failing fast) when none is idle.
 *
 * <p>The pool's shared state (the idle sandboxes, the primary lock, the cluster-wide {@code maxIdle}) lives in a
 * {@link io.opensandbox.pool.PoolStateStore}: {@link io.opensandbox.pool.InMemoryPoolStateStore} for one JVM, or
 * the Redis store of {@code opensandbox-pool-redis} to share one pool between processes and with the official
 * Kotlin, Python and JavaScript SDKs. Needs a transport at run time, as the lifecycle module does.
 */
module io.opensandbox.pool {
    requires transitive io.opensandbox.api;
    requires transitive io.opensandbox.lifecycle;
    requires org.slf4j;
    requires static org.jspecify;

    exports io.opensandbox.pool;
    exports io.opensandbox.pool.internal to
            io.opensandbox.pool.redis;
}
