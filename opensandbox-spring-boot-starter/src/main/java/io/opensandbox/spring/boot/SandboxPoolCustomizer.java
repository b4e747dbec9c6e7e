package io.opensandbox.spring.boot;

import io.opensandbox.pool.SandboxPool;

/**
 * Adjusts the auto-configured {@link SandboxPool} before it starts, after the {@code opensandbox.pool.*}
 * properties: describe the pool's sandboxes ({@code builder.sandbox(b -> b.image(...).env(...))}), set a health
 * check, a warm-up preparer, or anything else the builder offers. Every bean of this type runs, in order.
 */
@FunctionalInterface
public interface SandboxPoolCustomizer {
    /**
     * Adjusts the builder.
     *
     * @param builder the pool builder, with the properties already applied
     */
    void customize(SandboxPool.Builder builder);
}
