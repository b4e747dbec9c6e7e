/**
 * A Redis {@link io.opensandbox.pool.PoolStateStore} for {@code io.opensandbox.pool}:
 * {@link io.opensandbox.pool.redis.RedisPoolStateStore} keeps a pool's idle sandboxes, primary lock and
 * cluster-wide {@code maxIdle} in one standalone Redis (or a Redis-compatible proxy), in the layout and with the
 * atomic scripts of the official OpenSandbox SDKs' Redis store, so Java, Kotlin, Python and Node workers share
 * one pool. Redis Cluster and Sentinel are not supported, as in the official store.
 *
 * <p>The store uses Jedis; no Jedis type appears in this module's API. Jedis is an automatic module whose own
 * dependencies are named explicitly below so that they resolve on the module path.
 */
module io.opensandbox.pool.redis {
    requires transitive io.opensandbox.pool;
    requires redis.clients.jedis;
    requires org.apache.commons.pool2;
    requires com.google.gson;
    requires org.json;
    requires org.slf4j;
    requires static org.jspecify;

    exports io.opensandbox.pool.redis;
}
