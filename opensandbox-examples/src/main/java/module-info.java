/** The SDK's quick start and samples, as an application module. */
module io.opensandbox.examples {
    requires io.opensandbox.lifecycle;
    requires io.opensandbox.commands;
    requires io.opensandbox.files;
    requires io.opensandbox.network;
    requires io.opensandbox.codeinterpreter;
    requires io.opensandbox.pty;
    requires io.opensandbox.testkit;
    requires io.opensandbox.pool;
    // only PoolExample's Redis option uses it (Jedis is an automatic module, which a jlink image cannot hold)
    requires static io.opensandbox.pool.redis;
}
