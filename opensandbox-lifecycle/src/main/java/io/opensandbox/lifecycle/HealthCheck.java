package io.opensandbox.lifecycle;

/**
 * Decides whether a new or connected sandbox is ready. The default pings execd ({@code GET /ping}); a custom
 * check can wait for the application inside the sandbox instead. A check that throws counts as "not ready yet".
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * Checks readiness once.
     *
     * @param sandbox the sandbox
     * @return whether it is ready
     * @throws Exception counted as not ready; the last one is reported if the wait times out
     */
    boolean isReady(Sandbox sandbox) throws Exception;
}
