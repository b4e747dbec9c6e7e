package io.opensandbox.lifecycle;

import io.opensandbox.api.RetryPolicy;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxReadyTimeoutException;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.internal.stream.Workers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Waits until a sandbox answers its health check, on a monotonic clock: it never overshoots the budget by more
 * than one polling interval, and each probe is given no more time than the budget has left.
 */
final class Readiness {
    /** The time the wait runs on; tests drive a fake one. */
    interface Timing {
        /** The real clock: {@link System#nanoTime()}, delays on the JDK's timer, checks on the common pool. */
        /**
         * The real clock, with the waits on the lease's timer and custom checks on its blocking pool.
         *
         * @param lease the sandbox's lease
         * @return the timing
         */
        static Timing of(Transports.Lease lease) {
            Workers workers = lease.workers();
            return new Timing() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public Executor after(long nanos) {
                    return task -> {
                        // the task completes the readiness future itself; the schedule's handle is not needed
                        var unused = workers.timer().schedule(task, nanos, TimeUnit.NANOSECONDS);
                    };
                }

                @Override
                public Executor checks() {
                    return workers.blocking();
                }
            };
        }

        /** A monotonic clock, in nanoseconds. */
        long nanoTime();

        /** Runs tasks once the given time has passed. */
        Executor after(long nanos);

        /** Runs custom health checks. */
        Executor checks();
    }

    private final Timing timing;
    private final Sandbox sandbox;
    private final Duration timeout;
    private final Duration interval;
    private final @Nullable HealthCheck check;
    private final long deadline;
    private int attempts;
    private @Nullable String lastError;
    private @Nullable Throwable lastFailure;

    private Readiness(
            Timing timing, Sandbox sandbox, Duration timeout, Duration interval, @Nullable HealthCheck check) {
        this.timing = timing;
        this.sandbox = sandbox;
        this.timeout = timeout;
        this.interval = interval;
        this.check = check;
        this.deadline = timing.nanoTime() + timeout.toNanos();
    }

    static CompletableFuture<Void> await(
            Sandbox sandbox, Duration timeout, Duration interval, @Nullable HealthCheck check) {
        // The wait belongs to the sandbox: closing it ends the wait at once. It is registered before the first
        // health check is sent, so that a close racing with that check still ends it with the closed exception.
        CompletableFuture<Void> result =
                sandbox.lease().own("wait for sandbox " + sandbox.id(), new CompletableFuture<>());
        CompletableFuture<Void> unused = await(Timing.of(sandbox.lease()), sandbox, timeout, interval, check)
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(null);
                    }
                });
        return result;
    }

    static CompletableFuture<Void> await(
            Timing timing, Sandbox sandbox, Duration timeout, Duration interval, @Nullable HealthCheck check) {
        return new Readiness(timing, sandbox, timeout, interval, check).attempt();
    }

    private CompletableFuture<Void> attempt() {
        if (sandbox.lease().isClosed()) {
            return CompletableFuture.failedFuture(new SandboxClosedException(
                    "waiting for sandbox " + sandbox.id() + " was ended because the sandbox was closed", null));
        }
        attempts++;
        return probe().handle((ready, failure) -> {
                    if (failure != null) {
                        Throwable cause = ErrorMapper.unwrap(failure);
                        lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                        lastFailure = cause;
                    } else if (!ready) {
                        lastError = "health check returned false";
                        lastFailure = null;
                    }
                    return failure == null && ready;
                })
                .thenCompose(ready -> {
                    if (ready) {
                        return CompletableFuture.completedFuture(null);
                    }
                    long left = deadline - timing.nanoTime();
                    if (left <= 0) {
                        return CompletableFuture.failedFuture(timedOut());
                    }
                    long wait = Math.min(left, interval.toNanos());
                    return CompletableFuture.supplyAsync(() -> null, timing.after(wait))
                            .thenCompose(ignored -> attempt());
                });
    }

    private CompletableFuture<Boolean> probe() {
        // A probe may use what is left of the budget, and at least one polling interval, so the wait overshoots by
        // at most one interval and the last probe still has time to report the real failure.
        long budget = Math.max(deadline - timing.nanoTime(), interval.toNanos());
        HealthCheck custom = check;
        if (custom != null) {
            CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return custom.isReady(sandbox);
                        } catch (RuntimeException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    },
                    timing.checks());
            // A custom check that blocks must not hold the wait past its budget: stop waiting for it (its thread
            // keeps running until the check returns; a check should bound its own calls).
            CompletableFuture<Boolean> bounded = new CompletableFuture<>();
            CompletableFuture<?> unused = running.whenComplete((ready, failure) -> {
                if (failure != null) {
                    bounded.completeExceptionally(failure);
                } else {
                    bounded.complete(ready);
                }
            });
            long millis = TimeUnit.NANOSECONDS.toMillis(budget);
            timing.after(budget)
                    .execute(() -> bounded.completeExceptionally(
                            new TimeoutException("the health check did not answer within " + millis + " ms")));
            return bounded;
        }
        Duration probeTimeout = Duration.ofNanos(
                Math.min(budget, sandbox.connectionConfig().requestTimeout().toNanos()));
        ApiClient execd = sandbox.execdClient();
        return execd.call("GET", "/ping")
                .timeout(probeTimeout)
                .retryPolicy(RetryPolicy.disabled())
                .send()
                .thenApply(response -> true);
    }

    private SandboxReadyTimeoutException timedOut() {
        var config = sandbox.connectionConfig();
        return new SandboxReadyTimeoutException(
                "sandbox " + sandbox.id() + " was not ready within " + timeout.toMillis() + " ms after " + attempts
                        + " health checks (domain " + config.domain() + ", useServerProxy " + config.useServerProxy()
                        + ", execd endpoint " + sandbox.knownEndpointAddress(SandboxHandle.EXECD_PORT)
                        + "); last error: " + lastError + ". If the endpoint is not reachable from this machine,"
                        + " try ConnectionConfig.builder().useServerProxy(true), or set the server's [docker]"
                        + " host_ip; raise readyTimeout if the image is slow to start.",
                lastFailure);
    }
}
