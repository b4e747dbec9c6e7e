package io.opensandbox.pool;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.lifecycle.HealthCheck;
import io.opensandbox.lifecycle.Sandbox;
import io.opensandbox.lifecycle.SandboxManager;
import io.opensandbox.pool.internal.Checks;
import io.opensandbox.pool.internal.Health;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of warm sandboxes: it keeps up to {@code maxIdle} ready sandboxes in its {@link PoolStateStore} and hands
 * one out with {@link #acquire()} in the time of a connect (milliseconds on a real deployment, where a create takes
 * seconds). Thread-safe.
 *
 * <pre>{@code
 * try (SandboxPool pool = SandboxPool.builder()
 *         .poolName("agents")
 *         .maxIdle(5)
 *         .image("python:3.12")
 *         .connectionConfig(config)
 *         .start()) {
 *     Sandbox sandbox = pool.acquire();          // an idle one, checked alive; else created directly
 *     try {
 *         Commands.of(sandbox).run("python -V");
 *     } finally {
 *         pool.release(sandbox);                 // kills it: a used sandbox is never handed out again
 *     }
 * }
 * }</pre>
 *
 * <p><b>Acquire.</b> {@link #acquire()} atomically takes the oldest idle sandbox that has more than
 * {@code acquireMinRemainingTtl} left (older ones are dropped and killed), connects to it and waits for its health
 * check; a sandbox that is gone or does not answer (killed behind the pool's back, say) is killed and the next idle
 * one is tried. With no usable idle sandbox, {@link AcquirePolicy#DIRECT_CREATE} creates one and
 * {@link AcquirePolicy#FAIL_FAST} throws {@link PoolEmptyException}. A store that cannot be reached fails the
 * acquire with {@link PoolStateStoreUnavailableException}, or creates directly when
 * {@link Builder#directCreateWhenStoreUnavailable(boolean)} is set.
 *
 * <p><b>Replenish.</b> Every {@code reconcileInterval}, and right after an acquire took an idle sandbox, the node
 * that holds the store's primary lock (with a TTL, so another node takes over when it dies) drops expired idle
 * entries, kills idle sandboxes beyond the target and creates the missing ones, at most
 * {@code warmupConcurrency} at a time. The target is the store's cluster-wide {@code maxIdle}, which
 * {@link #resize(int)} sets from any node. After {@code degradedThreshold} failed creates in a row the pool is
 * {@link PoolState#DEGRADED} and backs off (doubling); a successful create makes it healthy again.
 *
 * <p><b>Leases and close.</b> A sandbox handed out is leased: {@link #release(Sandbox)} kills it and
 * {@link #detach(Sandbox)} hands it over to the caller for good. {@link #close()} stops replenishing, waits up to
 * {@code drainTimeout} for acquires in flight and leases to end, kills the leases still held, kills the idle
 * sandboxes when the pool made its own in-memory store (nobody else can reach them), releases the primary lock
 * and stops the pool's threads. A store passed in is never closed by the pool; its idle sandboxes stay for the
 * other nodes ({@link #releaseAllIdle()} or {@code resize(0)} empties it).
 *
 * <p>The pool's threads (one reconcile thread, {@code warmupConcurrency} warm-up threads and the threads of
 * {@link #acquireAsync()}) are daemon threads named {@code opensandbox-pool-<name>-...}, owned by the pool and
 * stopped by {@link #close()}.
 */
public final class SandboxPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxPool.class);

    /** How many idle candidates one acquire tries before it falls back to its policy. */
    private static final int MAX_IDLE_CANDIDATES = 8;

    private static final int FROM_IDLE = 0;
    private static final int DIRECT = 1;
    private static final int CREATED = 2;
    private static final int CREATE_FAILURES = 3;
    private static final int DISCARDED = 4;

    private final Settings settings;
    private final PoolStateStore store;
    private final boolean ownsStore;
    private final SandboxManager manager;
    private final Health health;
    private final ScheduledExecutorService reconciler;
    private final ExecutorService warmup;
    private final ThreadPoolExecutor async;
    private volatile PoolState lifecycle = PoolState.HEALTHY;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Sandbox> leases = new ConcurrentHashMap<>();
    private final AtomicLongArray counters = new AtomicLongArray(5);
    private final Object drainMonitor = new Object();
    private volatile int localMaxIdle;
    private volatile int lastIdleCount;
    private volatile boolean primary;

    private SandboxPool(Settings settings, PoolStateStore store, boolean ownsStore) {
        this.settings = settings;
        this.store = store;
        this.ownsStore = ownsStore;
        this.localMaxIdle = settings.maxIdle;
        this.health = new Health(settings.degradedThreshold, settings.backoffInitial, settings.backoffMax);
        this.manager = SandboxManager.create(settings.config);
        this.reconciler = Executors.newSingleThreadScheduledExecutor(threads("reconcile"));
        this.warmup = Executors.newFixedThreadPool(settings.warmupConcurrency, threads("warmup"));
        this.async = new ThreadPoolExecutor(
                settings.asyncConcurrency,
                settings.asyncConcurrency,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                threads("acquire"));
        this.async.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts describing a pool; {@link Builder#start()} validates every option and starts it.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        String prefix = "opensandbox-pool-" + settings.poolName + "-" + role + "-";
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private void begin() {
        try {
            store.setIdleTtl(settings.poolName, settings.idleTimeout);
            store.setMaxIdle(settings.poolName, settings.maxIdle);
        } catch (PoolStateStoreUnavailableException e) {
            // the first reconcile that reaches the store writes both (see reseedIfLost)
            health.storeFailure(e.getMessage());
            LOG.warn("pool {}: store unavailable at start, replenish waits for it: {}", name(), e.getMessage());
        }
        if (settings.primaryLockTtl.compareTo(settings.warmupReadyTimeout) <= 0) {
            LOG.warn(
                    "pool {}: primaryLockTtl ({}) is not longer than warmupReadyTimeout ({}); another node may take"
                            + " over while this one warms up",
                    name(),
                    settings.primaryLockTtl,
                    settings.warmupReadyTimeout);
        }
        long interval = settings.reconcileInterval.toMillis();
        var unused = reconciler.scheduleWithFixedDelay(this::tickSafely, 0, interval, TimeUnit.MILLISECONDS);
        LOG.info("pool {} started: owner {}, maxIdle {}", name(), settings.ownerId, settings.maxIdle);
    }

    /**
     * The pool's name, shared by every node of the pool.
     *
     * @return the name
     */
    public String name() {
        return settings.poolName;
    }

    /**
     * This node's identity for the primary lock.
     *
     * @return the owner id
     */
    public String ownerId() {
        return settings.ownerId;
    }

    /**
     * Acquires a sandbox with the pool's default policy ({@link Builder#acquirePolicy}).
     *
     * @return a ready sandbox, leased to the caller
     * @throws PoolEmptyException under {@link AcquirePolicy#FAIL_FAST} when no idle sandbox is usable
     * @throws PoolNotRunningException when the pool is closing or closed
     * @throws PoolStateStoreUnavailableException when the store cannot be reached and no fallback is set
     */
    public Sandbox acquire() {
        return acquire(settings.acquirePolicy);
    }

    /**
     * Acquires a sandbox: an idle one (checked alive, with enough time left), else per {@code policy}. The sandbox
     * is renewed to {@code leaseTimeout} when one is set.
     *
     * @param policy what to do when no idle sandbox is usable
     * @return a ready sandbox, leased to the caller
     * @throws PoolEmptyException under {@link AcquirePolicy#FAIL_FAST} when no idle sandbox is usable
     * @throws PoolNotRunningException when the pool is closing or closed
     * @throws PoolStateStoreUnavailableException when the store cannot be reached and no fallback is set
     */
    public Sandbox acquire(AcquirePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        ensureRunning();
        inFlight.incrementAndGet();
        try {
            ensureRunning();
            for (int candidate = 0; candidate < MAX_IDLE_CANDIDATES; candidate++) {
                IdleTake take;
                try {
                    take = store.takeIdle(name(), settings.acquireMinRemainingTtl);
                } catch (PoolStateStoreUnavailableException e) {
                    if (policy == AcquirePolicy.DIRECT_CREATE && settings.directCreateWhenStoreUnavailable) {
                        LOG.warn("pool {}: store unavailable, creating directly: {}", name(), e.getMessage());
                        return lease(directCreate(), DIRECT);
                    }
                    throw e;
                }
                killInBackground(take.discardedAlive());
                if (take.sandboxId().isEmpty()) {
                    break;
                }
                String id = take.sandboxId().get();
                requestReconcile();
                Sandbox sandbox = connectIdle(id);
                if (sandbox != null) {
                    return lease(sandbox, FROM_IDLE);
                }
            }
            if (policy == AcquirePolicy.FAIL_FAST) {
                throw new PoolEmptyException("pool " + name() + " has no usable idle sandbox and the policy is"
                        + " FAIL_FAST; retry later, raise maxIdle, or acquire with DIRECT_CREATE");
            }
            return lease(directCreate(), DIRECT);
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                signalDrain();
            }
        }
    }

    /**
     * {@link #acquire()} on one of the pool's threads.
     *
     * @return a future of the leased sandbox; it fails as {@link #acquire()} throws
     */
    public CompletableFuture<Sandbox> acquireAsync() {
        return acquireAsync(settings.acquirePolicy);
    }

    /**
     * {@link #acquire(AcquirePolicy)} on one of the pool's threads.
     *
     * @param policy what to do when no idle sandbox is usable
     * @return a future of the leased sandbox; it fails as {@link #acquire(AcquirePolicy)} throws
     */
    public CompletableFuture<Sandbox> acquireAsync(AcquirePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        ensureRunning();
        try {
            return CompletableFuture.supplyAsync(() -> acquire(policy), async);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(notRunning());
        }
    }

    private @Nullable Sandbox connectIdle(String id) {
        Sandbox sandbox = null;
        try {
            Sandbox.Connector connector = Sandbox.connector(id)
                    .connectionConfig(settings.config)
                    .readyTimeout(settings.acquireReadyTimeout)
                    .healthCheckPollingInterval(settings.pollingInterval)
                    .skipHealthCheck(settings.skipHealthCheckOnAcquire);
            if (settings.healthCheck != null) {
                connector.healthCheck(settings.healthCheck);
            }
            sandbox = connector.connect();
            if (settings.leaseTimeout != null) {
                sandbox.renew(settings.leaseTimeout);
            }
            return sandbox;
        } catch (SandboxException e) {
            counters.incrementAndGet(DISCARDED);
            LOG.warn("pool {}: idle sandbox {} is not usable, killing it: {}", name(), id, e.getMessage());
            if (sandbox != null) {
                sandbox.close();
            }
            killInBackground(List.of(id));
            return null;
        }
    }

    private Sandbox directCreate() {
        Sandbox.Builder builder = Sandbox.builder();
        settings.template.accept(builder);
        builder.connectionConfig(settings.config)
                .timeout(settings.leaseTimeout != null ? settings.leaseTimeout : settings.idleTimeout)
                .readyTimeout(settings.acquireReadyTimeout)
                .healthCheckPollingInterval(settings.pollingInterval);
        if (settings.healthCheck != null) {
            builder.healthCheck(settings.healthCheck);
        }
        return builder.create();
    }

    private Sandbox lease(Sandbox sandbox, int counter) {
        counters.incrementAndGet(counter);
        leases.put(sandbox.id(), sandbox);
        return sandbox;
    }

    /**
     * Ends a lease: kills the sandbox (a used sandbox is never handed out again) and closes the object. A sandbox
     * already gone on the server is fine. A sandbox this pool does not hold (already released, detached, or never
     * leased) is left alone, so a second call does nothing.
     *
     * @param sandbox a sandbox this pool handed out
     * @throws InvalidArgumentException if this pool leased another object for the same sandbox id
     */
    public void release(Sandbox sandbox) {
        Sandbox leased = takeLease(sandbox, "release");
        if (leased == null) {
            return;
        }
        try {
            killQuietly(leased.id());
        } finally {
            leased.close();
            signalDrain();
        }
    }

    /**
     * Kills a leased sandbox; the same as {@link #release(Sandbox)}, named for the intent.
     *
     * @param sandbox a sandbox this pool handed out
     * @throws InvalidArgumentException if this pool leased another object for the same sandbox id
     */
    public void kill(Sandbox sandbox) {
        release(sandbox);
    }

    /**
     * Ends a lease without killing: the caller owns the sandbox from now on and {@link #close()} leaves it alone.
     *
     * @param sandbox a sandbox this pool handed out
     * @return the same sandbox
     * @throws InvalidArgumentException if this pool leased another object for the same sandbox id
     */
    public Sandbox detach(Sandbox sandbox) {
        Sandbox leased = takeLease(sandbox, "detach");
        signalDrain();
        return leased != null ? leased : sandbox;
    }

    private @Nullable Sandbox takeLease(Sandbox sandbox, String what) {
        Objects.requireNonNull(sandbox, "sandbox");
        if (leases.remove(sandbox.id(), sandbox)) {
            return sandbox;
        }
        if (leases.containsKey(sandbox.id())) {
            throw new InvalidArgumentException(
                    "cannot " + what + " sandbox " + sandbox.id() + ": pool " + name() + " leased another object"
                            + " for it; pass the one acquire() returned",
                    null);
        }
        LOG.debug("pool {}: {} of sandbox {}, which it does not hold", name(), what, sandbox.id());
        return null;
    }

    /**
     * Sets the idle target of the whole pool (every node sees it through the store); the primary creates or kills
     * idle sandboxes at its next reconcile, which this call requests.
     *
     * @param maxIdle zero or more; 0 drains the idle sandboxes
     * @throws InvalidArgumentException if negative
     * @throws PoolStateStoreUnavailableException if the store cannot be reached
     */
    public void resize(int maxIdle) {
        Checks.notNegative(maxIdle, "maxIdle");
        if (maxIdle > Builder.MAX_IDLE_LIMIT) {
            throw new InvalidArgumentException("maxIdle must be at most " + Builder.MAX_IDLE_LIMIT, null);
        }
        store.setMaxIdle(name(), maxIdle);
        localMaxIdle = maxIdle;
        requestReconcile();
    }

    /**
     * Takes every idle sandbox out of the store and kills it. With other nodes running, their primary may put
     * new ones meanwhile: {@link #resize(int) resize(0)} first for a lasting drain.
     *
     * @return how many idle sandboxes were taken
     * @throws PoolStateStoreUnavailableException if the store cannot be reached
     */
    public int releaseAllIdle() {
        int count = 0;
        while (true) {
            IdleTake take = store.takeIdle(name(), Duration.ZERO);
            if (take.sandboxId().isEmpty()) {
                return count;
            }
            count++;
            counters.incrementAndGet(DISCARDED);
            killQuietly(take.sandboxId().get());
        }
    }

    /**
     * The idle entries of the pool, oldest first, as the store has them.
     *
     * @return a copy
     * @throws PoolStateStoreUnavailableException if the store cannot be reached
     */
    public List<IdleEntry> idleEntries() {
        return store.idleEntries(name());
    }

    /**
     * A point-in-time view for monitoring. Never throws.
     *
     * @return the snapshot
     */
    public PoolSnapshot snapshot() {
        boolean available = true;
        int target = localMaxIdle;
        try {
            lastIdleCount = store.idleCount(name());
            target = store.maxIdle(name()).orElse(localMaxIdle);
        } catch (PoolStateStoreUnavailableException e) {
            available = false;
        }
        PoolState state = lifecycle;
        if (state == PoolState.HEALTHY && health.degraded()) {
            state = PoolState.DEGRADED;
        }
        long[] values = new long[counters.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = counters.get(i);
        }
        return new PoolSnapshot(
                state,
                lastIdleCount,
                target,
                available,
                primary,
                leases.size(),
                inFlight.get(),
                health.failures(),
                health.backoffActive(System.nanoTime()),
                health.lastError(),
                values);
    }

    private void ensureRunning() {
        if (closing.get()) {
            throw notRunning();
        }
    }

    private PoolNotRunningException notRunning() {
        return new PoolNotRunningException(
                "pool " + name() + " is " + lifecycle + "; build and start a new pool to acquire again");
    }

    // ----- replenish -----

    private void requestReconcile() {
        if (closing.get() || !wakePending.compareAndSet(false, true)) {
            return;
        }
        try {
            reconciler.execute(() -> {
                wakePending.set(false);
                tickSafely();
            });
        } catch (RejectedExecutionException e) {
            wakePending.set(false);
        }
    }

    private void tickSafely() {
        if (closing.get()) {
            return;
        }
        try {
            tick();
        } catch (PoolStateStoreUnavailableException e) {
            primary = false;
            health.storeFailure(e.getMessage());
            LOG.warn("pool {}: reconcile skipped, store unavailable: {}", name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("pool {}: reconcile failed", name(), e);
        }
    }

    private void tick() {
        String pool = name();
        primary = store.tryAcquirePrimaryLock(pool, settings.ownerId, settings.primaryLockTtl);
        if (!primary) {
            return;
        }
        OptionalInt shared = store.maxIdle(pool);
        if (shared.isEmpty()) {
            // the store lost its keys (a Redis restart without persistence): write this node's settings again
            store.setIdleTtl(pool, settings.idleTimeout);
            store.setMaxIdle(pool, localMaxIdle);
        }
        int target = shared.orElse(localMaxIdle);
        List<String> expired = store.reapExpiredIdle(pool, settings.acquireMinRemainingTtl);
        counters.addAndGet(DISCARDED, expired.size());
        expired.forEach(this::killQuietly);
        int idle = store.idleCount(pool);
        lastIdleCount = idle;
        if (idle > target) {
            shrink(Math.min(idle - target, settings.warmupConcurrency));
            return;
        }
        int toCreate = Math.min(target - idle, settings.warmupConcurrency);
        if (toCreate == 0 || health.backoffActive(System.nanoTime())) {
            primary = store.renewPrimaryLock(pool, settings.ownerId, settings.primaryLockTtl);
            return;
        }
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < toCreate; i++) {
            results.add(warmup.submit(this::createIdle));
        }
        List<String> createdIds = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Future<String> result = results.get(i);
            try {
                createdIds.add(result.get());
            } catch (ExecutionException e) {
                counters.incrementAndGet(CREATE_FAILURES);
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                health.failure(cause.getMessage(), System.nanoTime());
                LOG.warn("pool {}: warm-up create failed: {}", pool, cause.getMessage());
            } catch (InterruptedException e) {
                // close() gave up waiting: nothing made here may be left behind unlisted and alive
                Thread.currentThread().interrupt();
                createdIds.forEach(this::killQuietly);
                for (Future<String> rest : results.subList(i, results.size())) {
                    if (!rest.cancel(true) && rest.isDone()) {
                        try {
                            killQuietly(rest.get(0, TimeUnit.MILLISECONDS));
                        } catch (ExecutionException | InterruptedException | TimeoutException ignored) {
                            // failed or not there: nothing to kill
                        }
                    }
                }
                return;
            }
        }
        for (int i = 0; i < createdIds.size(); i++) {
            String id = createdIds.get(i);
            boolean stored = false;
            try {
                if (store.renewPrimaryLock(pool, settings.ownerId, settings.primaryLockTtl)) {
                    stored = true;
                    store.putIdle(pool, id);
                    counters.incrementAndGet(CREATED);
                    health.success();
                } else {
                    primary = false;
                    LOG.warn("pool {}: lost the primary lock while warming up; killing what it made", pool);
                }
            } catch (PoolStateStoreUnavailableException e) {
                stored = false;
                killQuietly(id);
                createdIds.subList(i + 1, createdIds.size()).forEach(this::killQuietly);
                throw e;
            }
            if (!stored) {
                createdIds.subList(i, createdIds.size()).forEach(this::killQuietly);
                return;
            }
        }
    }

    private void shrink(int count) {
        String pool = name();
        for (int i = 0; i < count; i++) {
            if (!store.renewPrimaryLock(pool, settings.ownerId, settings.primaryLockTtl)) {
                primary = false;
                return;
            }
            IdleTake take = store.takeIdle(pool, Duration.ZERO);
            if (take.sandboxId().isEmpty()) {
                return;
            }
            counters.incrementAndGet(DISCARDED);
            killQuietly(take.sandboxId().get());
        }
    }

    /** Creates one sandbox for the idle list and returns its id; the local object is closed. */
    private String createIdle() {
        Sandbox.Builder builder = Sandbox.builder();
        settings.template.accept(builder);
        builder.connectionConfig(settings.config)
                .timeout(settings.idleTimeout)
                .readyTimeout(settings.warmupReadyTimeout)
                .healthCheckPollingInterval(settings.pollingInterval);
        if (settings.healthCheck != null) {
            builder.healthCheck(settings.healthCheck);
        }
        Sandbox sandbox = builder.create();
        try {
            if (closing.get()) {
                throw new PoolNotRunningException("pool " + name() + " closed while the sandbox was created");
            }
            if (settings.preparer != null) {
                settings.preparer.accept(sandbox);
                // the preparer's time came off the server-side lifetime; the store stamps a full idle lifetime
                sandbox.renew(settings.idleTimeout);
            }
            return sandbox.id();
        } catch (RuntimeException e) {
            killQuietly(sandbox.id());
            throw e;
        } finally {
            sandbox.close();
        }
    }

    private void killInBackground(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        counters.addAndGet(DISCARDED, ids.size());
        try {
            warmup.execute(() -> ids.forEach(this::killQuietly));
        } catch (RejectedExecutionException e) {
            ids.forEach(this::killQuietly);
        }
    }

    private void killQuietly(String id) {
        try {
            manager.killSandbox(id);
        } catch (NotFoundException e) {
            LOG.debug("pool {}: sandbox {} was already gone", name(), id);
        } catch (SandboxException e) {
            LOG.warn("pool {}: could not kill sandbox {} (it expires by itself): {}", name(), id, e.getMessage());
        }
    }

    // ----- close -----

    private void signalDrain() {
        synchronized (drainMonitor) {
            drainMonitor.notifyAll();
        }
    }

    /**
     * Closes the pool gracefully: no new acquire, no replenish; waits up to {@code drainTimeout} for acquires in
     * flight and for leases to be released or detached; then kills the leases still held, kills the idle
     * sandboxes when the pool made its own in-memory store, releases the primary lock and stops the pool's
     * threads. A warm-up create still running is let finish and its sandbox killed, so close may take up to
     * {@code warmupReadyTimeout} plus the request timeout beyond {@code drainTimeout}. The store is not closed.
     * Idempotent; later calls return at once.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        lifecycle = PoolState.DRAINING;
        long deadline = System.nanoTime() + settings.drainTimeout.toNanos();
        reconciler.shutdown();
        boolean interrupted = false;
        try {
            awaitTermination(reconciler, deadline);
            synchronized (drainMonitor) {
                while ((inFlight.get() > 0 || !leases.isEmpty()) && deadline - System.nanoTime() > 0) {
                    long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    drainMonitor.wait(Math.min(waitMillis, 100));
                }
            }
            // A warm-up create still running is let finish (each is bounded by warmupReadyTimeout): it sees the
            // pool closing and kills what it made. Interrupting it instead could leave a sandbox nobody knows.
            long createBound = settings.warmupReadyTimeout
                    .plus(settings.config.requestTimeout())
                    .toNanos();
            if (!reconciler.awaitTermination(createBound, TimeUnit.NANOSECONDS)) {
                LOG.warn("pool {}: a warm-up create outlived its ready timeout; interrupting it", name());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        reconciler.shutdownNow();
        async.shutdownNow();
        for (Sandbox sandbox : List.copyOf(leases.values())) {
            if (leases.remove(sandbox.id(), sandbox)) {
                LOG.warn("pool {}: sandbox {} was still leased at close; killing it", name(), sandbox.id());
                killQuietly(sandbox.id());
                sandbox.close();
            }
        }
        try {
            if (ownsStore) {
                int killed = releaseAllIdle();
                LOG.info("pool {}: killed {} idle sandbox(es) of its in-memory store", name(), killed);
            }
            store.releasePrimaryLock(name(), settings.ownerId);
        } catch (PoolStateStoreUnavailableException e) {
            LOG.warn("pool {}: store unavailable at close: {}", name(), e.getMessage());
        }
        warmup.shutdown();
        try {
            if (!warmup.awaitTermination(5, TimeUnit.SECONDS)) {
                warmup.shutdownNow();
            }
        } catch (InterruptedException e) {
            warmup.shutdownNow();
            interrupted = true;
        }
        manager.close();
        primary = false;
        lifecycle = PoolState.STOPPED;
        LOG.info("pool {} stopped", name());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTermination(ExecutorService executor, long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            executor.awaitTermination(left, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String toString() {
        return "SandboxPool{name=" + name() + ", owner=" + settings.ownerId + ", state=" + lifecycle + "}";
    }

    /** The validated options of a pool. */
    private static final class Settings {
        private final String poolName;
        private final String ownerId;
        private final int maxIdle;
        private final int warmupConcurrency;
        private final int asyncConcurrency;
        private final ConnectionConfig config;
        private final Consumer<Sandbox.Builder> template;
        private final Duration idleTimeout;
        private final Duration acquireMinRemainingTtl;
        private final @Nullable Duration leaseTimeout;
        private final AcquirePolicy acquirePolicy;
        private final boolean directCreateWhenStoreUnavailable;
        private final Duration reconcileInterval;
        private final Duration primaryLockTtl;
        private final int degradedThreshold;
        private final Duration backoffInitial;
        private final Duration backoffMax;
        private final Duration warmupReadyTimeout;
        private final Duration acquireReadyTimeout;
        private final Duration pollingInterval;
        private final @Nullable HealthCheck healthCheck;
        private final boolean skipHealthCheckOnAcquire;
        private final @Nullable Consumer<Sandbox> preparer;
        private final Duration drainTimeout;

        private Settings(Builder b, String poolName, ConnectionConfig config, Consumer<Sandbox.Builder> template) {
            this.poolName = poolName;
            this.ownerId = b.ownerId != null ? b.ownerId : "pool-owner-" + UUID.randomUUID();
            this.maxIdle = b.maxIdle;
            this.warmupConcurrency =
                    b.warmupConcurrency != null ? b.warmupConcurrency : Math.max(1, (int) Math.ceil(b.maxIdle * 0.2));
            this.asyncConcurrency = b.asyncConcurrency;
            this.config = config;
            this.template = template;
            this.idleTimeout = b.idleTimeout;
            this.acquireMinRemainingTtl = b.acquireMinRemainingTtl != null
                    ? b.acquireMinRemainingTtl
                    : min(Duration.ofSeconds(60), b.idleTimeout.dividedBy(2));
            this.leaseTimeout = b.leaseTimeout;
            this.acquirePolicy = b.acquirePolicy;
            this.directCreateWhenStoreUnavailable = b.directCreateWhenStoreUnavailable;
            this.reconcileInterval = b.reconcileInterval;
            this.primaryLockTtl = b.primaryLockTtl;
            this.degradedThreshold = b.degradedThreshold;
            this.backoffInitial = b.backoffInitial;
            this.backoffMax = b.backoffMax;
            this.warmupReadyTimeout = b.warmupReadyTimeout;
            this.acquireReadyTimeout = b.acquireReadyTimeout;
            this.pollingInterval = b.pollingInterval;
            this.healthCheck = b.healthCheck;
            this.skipHealthCheckOnAcquire = b.skipHealthCheckOnAcquire;
            this.preparer = b.preparer;
            this.drainTimeout = b.drainTimeout;
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    /**
     * Describes a pool; {@link #start()} validates every option (throwing {@link InvalidArgumentException} before
     * any request) and starts it. Setters check their argument at once too. Not thread-safe.
     */
    public static final class Builder {
        static final int MAX_IDLE_LIMIT = 10_000;
        private static final Duration MAX_SANDBOX_TIMEOUT = Duration.ofDays(1);

        private @Nullable String poolName;
        private @Nullable String ownerId;
        private int maxIdle = -1;
        private @Nullable Integer warmupConcurrency;
        private int asyncConcurrency = 16;
        private @Nullable PoolStateStore stateStore;
        private @Nullable ConnectionConfig config;
        private @Nullable String image;
        private @Nullable Consumer<Sandbox.Builder> template;
        private Duration idleTimeout = Duration.ofHours(24);
        private @Nullable Duration acquireMinRemainingTtl;
        private @Nullable Duration leaseTimeout;
        private AcquirePolicy acquirePolicy = AcquirePolicy.DIRECT_CREATE;
        private boolean directCreateWhenStoreUnavailable;
        private Duration reconcileInterval = Duration.ofSeconds(30);
        private Duration primaryLockTtl = Duration.ofSeconds(60);
        private int degradedThreshold = 3;
        private Duration backoffInitial = Duration.ofSeconds(30);
        private Duration backoffMax = Duration.ofMinutes(10);
        private Duration warmupReadyTimeout = Sandbox.DEFAULT_READY_TIMEOUT;
        private Duration acquireReadyTimeout = Sandbox.DEFAULT_READY_TIMEOUT;
        private Duration pollingInterval = Sandbox.DEFAULT_POLLING_INTERVAL;
        private @Nullable HealthCheck healthCheck;
        private boolean skipHealthCheckOnAcquire;
        private @Nullable Consumer<Sandbox> preparer;
        private Duration drainTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * The pool's name (required): every node that shares the pool uses the same name and the same sandbox
         * description.
         *
         * @param poolName not blank, at most 200 characters
         * @return this builder
         */
        public Builder poolName(String poolName) {
            Checks.nonBlank(poolName, "poolName");
            if (poolName.length() > 200) {
                throw new InvalidArgumentException("poolName must be at most 200 characters", null);
            }
            this.poolName = poolName;
            return this;
        }

        /**
         * This node's identity for the primary lock (default {@code pool-owner-<random UUID>}); unique per process.
         *
         * @param ownerId not blank
         * @return this builder
         */
        public Builder ownerId(String ownerId) {
            this.ownerId = Checks.nonBlank(ownerId, "ownerId");
            return this;
        }

        /**
         * The number of idle sandboxes to keep ready (required). In a shared store this is the pool-wide target,
         * written to the store at start; {@link SandboxPool#resize(int)} changes it later.
         *
         * @param maxIdle 0 to 10,000
         * @return this builder
         */
        public Builder maxIdle(int maxIdle) {
            Checks.notNegative(maxIdle, "maxIdle");
            if (maxIdle > MAX_IDLE_LIMIT) {
                throw new InvalidArgumentException("maxIdle must be at most " + MAX_IDLE_LIMIT, null);
            }
            this.maxIdle = maxIdle;
            return this;
        }

        /**
         * The most sandboxes created at once by one reconcile (default {@code max(1, ceil(maxIdle * 0.2))}); also
         * the number of warm-up threads.
         *
         * @param warmupConcurrency 1 to 256
         * @return this builder
         */
        public Builder warmupConcurrency(int warmupConcurrency) {
            this.warmupConcurrency = range(warmupConcurrency, 1, 256, "warmupConcurrency");
            return this;
        }

        /**
         * The number of threads that run {@link SandboxPool#acquireAsync()} (default 16).
         *
         * @param threads 1 to 256
         * @return this builder
         */
        public Builder asyncConcurrency(int threads) {
            this.asyncConcurrency = range(threads, 1, 256, "asyncConcurrency");
            return this;
        }

        /**
         * Where the pool's state lives (default: a new {@link InMemoryPoolStateStore} of this pool alone, whose
         * idle sandboxes the pool kills at close). A store passed here is never closed by the pool.
         *
         * @param stateStore the store
         * @return this builder
         */
        public Builder stateStore(PoolStateStore stateStore) {
            this.stateStore = Objects.requireNonNull(stateStore, "stateStore");
            return this;
        }

        /**
         * The connection settings (default {@link ConnectionConfig#fromEnvironment()}).
         *
         * @param config the settings
         * @return this builder
         */
        public Builder connectionConfig(ConnectionConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The image of the pool's sandboxes; the shortest sandbox description.
         *
         * @param image the image reference, not blank
         * @return this builder
         */
        public Builder image(String image) {
            this.image = Checks.nonBlank(image, "image");
            return this;
        }

        /**
         * Describes the pool's sandboxes on a fresh {@link Sandbox#builder()} for every create (image, entrypoint,
         * resources, env, metadata, network policy, ...). Runs after {@link #image(String)}; the pool then sets the
         * connection settings, the timeout ({@code idleTimeout}, or {@code leaseTimeout} for direct creates), the
         * ready timeout, the polling interval and the health check itself.
         *
         * @param template fills in a builder; called once by {@link #start()} on a builder that is never sent (so
         *     a bad setting fails the start), then for every create, concurrently, so it must not share mutable state
         * @return this builder
         */
        public Builder sandbox(Consumer<Sandbox.Builder> template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * The lifetime of an idle sandbox: its server-side timeout at create and the expiry of its idle entry
         * (default 24 hours).
         *
         * @param idleTimeout positive, at most a day
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = atMostADay(Checks.positive(idleTimeout, "idleTimeout"), "idleTimeout");
            return this;
        }

        /**
         * The least time an idle sandbox must have left to be handed out (default {@code min(60 s, idleTimeout /
         * 2)}); closer to expiry it is killed instead. Must be less than {@code idleTimeout}.
         *
         * @param minRemaining zero or positive
         * @return this builder
         */
        public Builder acquireMinRemainingTtl(Duration minRemaining) {
            this.acquireMinRemainingTtl = Checks.notNegative(minRemaining, "acquireMinRemainingTtl");
            return this;
        }

        /**
         * Renews every acquired sandbox to this timeout (and creates direct ones with it); default none: an idle
         * sandbox keeps what is left of its {@code idleTimeout}.
         *
         * @param leaseTimeout positive, at most a day
         * @return this builder
         */
        public Builder leaseTimeout(Duration leaseTimeout) {
            this.leaseTimeout = atMostADay(Checks.positive(leaseTimeout, "leaseTimeout"), "leaseTimeout");
            return this;
        }

        /**
         * What {@link SandboxPool#acquire()} does when no idle sandbox is usable (default
         * {@link AcquirePolicy#DIRECT_CREATE}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder acquirePolicy(AcquirePolicy policy) {
            this.acquirePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Whether an acquire under {@link AcquirePolicy#DIRECT_CREATE} creates a sandbox when the store cannot be
         * reached (default {@code false}: it throws {@link PoolStateStoreUnavailableException}).
         *
         * @param fallback whether to fall back
         * @return this builder
         */
        public Builder directCreateWhenStoreUnavailable(boolean fallback) {
            this.directCreateWhenStoreUnavailable = fallback;
            return this;
        }

        /**
         * The pause between two reconciles (default 30 s); an acquire that took an idle sandbox also starts one.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder reconcileInterval(Duration interval) {
            this.reconcileInterval = Checks.positive(interval, "reconcileInterval");
            return this;
        }

        /**
         * The lifetime of the primary lock (default 60 s), renewed by every reconcile of the primary. Make it
         * longer than {@code reconcileInterval} and {@code warmupReadyTimeout}; when the primary dies, another
         * node takes over at most this long after.
         *
         * @param ttl positive
         * @return this builder
         */
        public Builder primaryLockTtl(Duration ttl) {
            this.primaryLockTtl = Checks.positive(ttl, "primaryLockTtl");
            return this;
        }

        /**
         * Failed creates in a row after which the pool is {@link PoolState#DEGRADED} (default 3).
         *
         * @param threshold 1 to 1,000
         * @return this builder
         */
        public Builder degradedThreshold(int threshold) {
            this.degradedThreshold = range(threshold, 1, 1000, "degradedThreshold");
            return this;
        }

        /**
         * The replenish backoff while degraded: {@code initial} after the threshold is reached, doubling with
         * each further failure up to {@code max} (default 30 s to 10 min).
         *
         * @param initial positive
         * @param max at least {@code initial}
         * @return this builder
         */
        public Builder degradedBackoff(Duration initial, Duration max) {
            Checks.positive(initial, "degradedBackoff initial");
            Checks.positive(max, "degradedBackoff max");
            if (max.compareTo(initial) < 0) {
                throw new InvalidArgumentException(
                        "degradedBackoff max (" + max + ") must be at least its initial (" + initial + ")", null);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /**
         * The longest wait for a warm-up sandbox to become ready (default 30 s).
         *
         * @param timeout positive, at most a day
         * @return this builder
         */
        public Builder warmupReadyTimeout(Duration timeout) {
            this.warmupReadyTimeout = atMostADay(Checks.positive(timeout, "warmupReadyTimeout"), "warmupReadyTimeout");
            return this;
        }

        /**
         * The longest wait for an acquired sandbox (idle or created directly) to be ready (default 30 s).
         *
         * @param timeout positive, at most a day
         * @return this builder
         */
        public Builder acquireReadyTimeout(Duration timeout) {
            this.acquireReadyTimeout =
                    atMostADay(Checks.positive(timeout, "acquireReadyTimeout"), "acquireReadyTimeout");
            return this;
        }

        /**
         * The pause between health checks (default 200 ms).
         *
         * @param interval positive, at most a day
         * @return this builder
         */
        public Builder healthCheckPollingInterval(Duration interval) {
            this.pollingInterval =
                    atMostADay(Checks.positive(interval, "healthCheckPollingInterval"), "healthCheckPollingInterval");
            return this;
        }

        /**
         * Replaces the default health check (execd ping) for warm-up and acquire.
         *
         * @param check the check
         * @return this builder
         */
        public Builder healthCheck(HealthCheck check) {
            this.healthCheck = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Skips the health check of an idle sandbox at acquire (default {@code false}); the endpoint lookup that
         * proves it exists is still made.
         *
         * @param skip whether to skip it
         * @return this builder
         */
        public Builder skipHealthCheckOnAcquire(boolean skip) {
            this.skipHealthCheckOnAcquire = skip;
            return this;
        }

        /**
         * Runs on every warm-up sandbox once it is ready, before it is put idle (install packages, warm caches);
         * a preparer that throws makes the create fail and the sandbox is killed.
         *
         * @param preparer the preparation
         * @return this builder
         */
        public Builder warmupPreparer(Consumer<Sandbox> preparer) {
            this.preparer = Objects.requireNonNull(preparer, "preparer");
            return this;
        }

        /**
         * How long {@link SandboxPool#close()} waits for acquires in flight and leases (default 30 s).
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = Checks.notNegative(timeout, "drainTimeout");
            return this;
        }

        /**
         * Validates every option and starts the pool: writes the idle lifetime and {@code maxIdle} to the store and
         * starts replenishing at once. Nothing is sent before every option has been checked.
         *
         * @return the running pool
         * @throws InvalidArgumentException if an option is missing or inconsistent
         */
        public SandboxPool start() {
            String chosenName = poolName;
            if (chosenName == null) {
                throw new InvalidArgumentException("poolName is required", null);
            }
            if (maxIdle < 0) {
                throw new InvalidArgumentException("maxIdle is required", null);
            }
            if (image == null && template == null) {
                throw new InvalidArgumentException(
                        "describe the pool's sandboxes with image(...) or sandbox(builder -> ...)", null);
            }
            if (acquireMinRemainingTtl != null && acquireMinRemainingTtl.compareTo(idleTimeout) >= 0) {
                throw new InvalidArgumentException(
                        "acquireMinRemainingTtl (" + acquireMinRemainingTtl + ") must be less than idleTimeout ("
                                + idleTimeout + "), or no idle sandbox could ever be handed out",
                        null);
            }
            if (primaryLockTtl.compareTo(reconcileInterval) <= 0) {
                throw new InvalidArgumentException(
                        "primaryLockTtl (" + primaryLockTtl + ") must be longer than reconcileInterval ("
                                + reconcileInterval + "), or the primary loses its lock between two reconciles",
                        null);
            }
            String chosenImage = image;
            Consumer<Sandbox.Builder> chosenTemplate = template;
            Consumer<Sandbox.Builder> combined = builder -> {
                if (chosenImage != null) {
                    builder.image(chosenImage);
                }
                if (chosenTemplate != null) {
                    chosenTemplate.accept(builder);
                }
            };
            checkDescription(combined);
            ConnectionConfig chosenConfig = config != null ? config : ConnectionConfig.fromEnvironment();
            Settings settings = new Settings(this, chosenName, chosenConfig, combined);
            PoolStateStore given = stateStore;
            boolean owns = given == null;
            PoolStateStore store = given != null ? given : InMemoryPoolStateStore.create();
            SandboxPool pool = new SandboxPool(settings, store, owns);
            pool.begin();
            return pool;
        }

        /** Runs the description once on a builder that is never sent, so a bad setting fails here, not in warm-up. */
        private static void checkDescription(Consumer<Sandbox.Builder> description) {
            try {
                description.accept(Sandbox.builder());
            } catch (RuntimeException e) {
                throw new InvalidArgumentException("the pool's sandbox description is invalid: " + e.getMessage(), e);
            }
        }

        private static int range(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new InvalidArgumentException(
                        name + " must be between " + min + " and " + max + ", not " + value, null);
            }
            return value;
        }

        private static Duration atMostADay(Duration value, String name) {
            if (value.compareTo(MAX_SANDBOX_TIMEOUT) > 0) {
                throw new InvalidArgumentException(name + " must be at most a day, not " + value, null);
            }
            return value;
        }
    }
}
