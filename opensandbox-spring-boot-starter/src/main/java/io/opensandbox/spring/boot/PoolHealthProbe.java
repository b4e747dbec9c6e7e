package io.opensandbox.spring.boot;

import io.opensandbox.pool.PoolSnapshot;
import io.opensandbox.pool.PoolState;
import io.opensandbox.pool.SandboxPool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pool's state for the health indicators of both Boot lines: up while the pool is {@link PoolState#HEALTHY}
 * and its store answers; down when it is degraded (creates keep failing), its store cannot be reached, or it is
 * closing. The details are the pool's snapshot (no secret in it).
 */
final class PoolHealthProbe {
    private final SandboxPool pool;

    PoolHealthProbe(SandboxPool pool) {
        this.pool = pool;
    }

    HealthProbe.Result check() {
        PoolSnapshot snapshot = pool.snapshot();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pool", pool.name());
        details.put("state", snapshot.state().name());
        details.put("storeAvailable", snapshot.storeAvailable());
        details.put("idle", snapshot.idleCount());
        details.put("maxIdle", snapshot.maxIdle());
        details.put("leased", snapshot.leased());
        details.put("primary", snapshot.primary());
        details.put("consecutiveFailures", snapshot.consecutiveFailures());
        details.put("backoffActive", snapshot.backoffActive());
        snapshot.lastError().ifPresent(error -> details.put("lastError", error));
        details.put("acquiredFromIdle", snapshot.acquiredFromIdle());
        details.put("acquiredByDirectCreate", snapshot.acquiredByDirectCreate());
        details.put("created", snapshot.created());
        details.put("createFailures", snapshot.createFailures());
        details.put("discarded", snapshot.discarded());
        boolean up = snapshot.state() == PoolState.HEALTHY && snapshot.storeAvailable();
        return new HealthProbe.Result(up, details);
    }
}
