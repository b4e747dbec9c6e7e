package io.opensandbox.spring.boot;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.pool.AcquirePolicy;
import io.opensandbox.pool.PoolStateStore;
import io.opensandbox.pool.SandboxPool;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures a {@link SandboxPool} when {@code opensandbox-pool} is on the class path and
 * {@code opensandbox.pool.name} is set: the {@code opensandbox.pool.*} properties, then every
 * {@link SandboxPoolCustomizer} bean, on the context's {@link ConnectionConfig}; the state store is the
 * application's {@link PoolStateStore} bean when it has one (a Redis store, say), else the pool's own in-memory
 * store. The pool starts with the context and is closed (drained) with it. Backs off when the application defines
 * its own {@link SandboxPool} bean.
 */
@AutoConfiguration(after = OpenSandboxAutoConfiguration.class)
@ConditionalOnClass(name = "io.opensandbox.pool.SandboxPool")
@ConditionalOnProperty(prefix = "opensandbox.pool", name = "name")
public class OpenSandboxPoolAutoConfiguration {

    /** Made by Spring. */
    public OpenSandboxPoolAutoConfiguration() {}

    /**
     * The sandbox pool.
     *
     * @param properties the bound properties
     * @param config the connection config
     * @param stores the application's state store, if any
     * @param customizers every pool customizer bean, in order; they run last
     * @return the started pool, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SandboxPool openSandboxPool(
            OpenSandboxProperties properties,
            ConnectionConfig config,
            ObjectProvider<PoolStateStore> stores,
            ObjectProvider<SandboxPoolCustomizer> customizers) {
        OpenSandboxProperties.Pool pool = properties.getPool();
        SandboxPool.Builder builder = SandboxPool.builder().connectionConfig(config);
        String name = pool.getName();
        if (name != null) {
            builder.poolName(name);
        }
        Integer maxIdle = pool.getMaxIdle();
        if (maxIdle == null) {
            throw new InvalidArgumentException(
                    "opensandbox.pool.max-idle is required with opensandbox.pool.name", null);
        }
        builder.maxIdle(maxIdle);
        String image = pool.getImage();
        if (image != null) {
            builder.image(image);
        }
        Integer warmup = pool.getWarmupConcurrency();
        if (warmup != null) {
            builder.warmupConcurrency(warmup);
        }
        var idleTimeout = pool.getIdleTimeout();
        if (idleTimeout != null) {
            builder.idleTimeout(idleTimeout);
        }
        var minRemaining = pool.getAcquireMinRemainingTtl();
        if (minRemaining != null) {
            builder.acquireMinRemainingTtl(minRemaining);
        }
        var leaseTimeout = pool.getLeaseTimeout();
        if (leaseTimeout != null) {
            builder.leaseTimeout(leaseTimeout);
        }
        String policy = pool.getAcquirePolicy();
        if (policy != null) {
            builder.acquirePolicy(policy(policy));
        }
        Boolean fallback = pool.getDirectCreateWhenStoreUnavailable();
        if (fallback != null) {
            builder.directCreateWhenStoreUnavailable(fallback);
        }
        var reconcile = pool.getReconcileInterval();
        if (reconcile != null) {
            builder.reconcileInterval(reconcile);
        }
        var lockTtl = pool.getPrimaryLockTtl();
        if (lockTtl != null) {
            builder.primaryLockTtl(lockTtl);
        }
        Integer threshold = pool.getDegradedThreshold();
        if (threshold != null) {
            builder.degradedThreshold(threshold);
        }
        var drain = pool.getDrainTimeout();
        if (drain != null) {
            builder.drainTimeout(drain);
        }
        PoolStateStore store = stores.getIfAvailable();
        if (store != null) {
            builder.stateStore(store);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.start();
    }

    private static AcquirePolicy policy(String value) {
        String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (AcquirePolicy policy : AcquirePolicy.values()) {
            if (policy.name().equals(normalized)) {
                return policy;
            }
        }
        throw new InvalidArgumentException(
                "opensandbox.pool.acquire-policy must be direct-create or fail-fast, not '" + value + "'", null);
    }
}
