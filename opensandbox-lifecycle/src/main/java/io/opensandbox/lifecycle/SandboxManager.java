package io.opensandbox.lifecycle;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.internal.Observed;
import io.opensandbox.api.internal.Transports;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * Administers many sandboxes and their snapshots by id: list with filters and pages, inspect, pause, resume,
 * renew, kill, patch metadata, read diagnostics. Thread-safe; close it to release its use of the connection pool.
 */
public final class SandboxManager implements AutoCloseable {
    private final Transports.Lease lease;
    private final LifecycleCalls calls;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SandboxManager(ConnectionConfig config) {
        this.lease = Transports.lease(config);
        this.calls = new LifecycleCalls(lease, config);
    }

    /**
     * A manager for the deployment a config points at.
     *
     * @param config the connection settings
     * @return the manager
     */
    public static SandboxManager create(ConnectionConfig config) {
        return new SandboxManager(Objects.requireNonNull(config, "config"));
    }

    /**
     * A manager using the environment's connection settings.
     *
     * @return the manager
     */
    public static SandboxManager create() {
        return create(ConnectionConfig.fromEnvironment());
    }

    /**
     * The connection settings.
     *
     * @return the config
     */
    public ConnectionConfig connectionConfig() {
        return calls.config();
    }

    /**
     * One page of sandboxes matching a filter.
     *
     * @param filter states (any), metadata (all), page and page size
     * @return the page
     */
    public Page<SandboxInfo> listSandboxInfos(SandboxFilter filter) {
        ensureOpen();
        return Observed.run(calls.config(), "sandbox.list", null, () -> calls.list(filter));
    }

    /**
     * Every sandbox matching a filter, fetching pages lazily as the stream is consumed, starting at the
     * filter's page.
     *
     * @param filter the filter; its page size sets how many are fetched per request
     * @return a sequential stream
     */
    public Stream<SandboxInfo> streamSandboxInfos(SandboxFilter filter) {
        ensureOpen();
        Objects.requireNonNull(filter, "filter");
        Iterator<SandboxInfo> iterator = new Iterator<>() {
            private Page<SandboxInfo> page =
                    Observed.run(calls.config(), "sandbox.list", null, () -> calls.list(filter));
            private int index;

            @Override
            public boolean hasNext() {
                while (index >= page.items().size()) {
                    if (!page.pagination().hasNextPage() || page.items().isEmpty()) {
                        return false;
                    }
                    Page<SandboxInfo> current = page;
                    page = Observed.run(
                            calls.config(),
                            "sandbox.list",
                            null,
                            () -> calls.list(
                                    filter.withPage(current.pagination().page() + 1)));
                    index = 0;
                }
                return true;
            }

            @Override
            public SandboxInfo next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.items().get(index++);
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * What the server knows of a sandbox.
     *
     * @param sandboxId the id
     * @return the info
     */
    public SandboxInfo getSandboxInfo(String sandboxId) {
        ensureOpen();
        return Observed.run(calls.config(), "sandbox.getInfo", sandboxId, () -> calls.get(sandboxId));
    }

    /**
     * Terminates a sandbox.
     *
     * @param sandboxId the id
     */
    public void killSandbox(String sandboxId) {
        ensureOpen();
        Observed.run(calls.config(), "sandbox.kill", sandboxId, () -> {
            calls.kill(sandboxId);
            return null;
        });
    }

    /**
     * Asks the server to pause a sandbox (asynchronous on the server).
     *
     * @param sandboxId the id
     */
    public void pauseSandbox(String sandboxId) {
        ensureOpen();
        Observed.run(calls.config(), "sandbox.pause", sandboxId, () -> {
            calls.pause(sandboxId);
            return null;
        });
    }

    /**
     * Asks the server to resume a sandbox (asynchronous on the server); connect to it afterwards with
     * {@link Sandbox#connector(String)}.
     *
     * @param sandboxId the id
     */
    public void resumeSandbox(String sandboxId) {
        ensureOpen();
        Observed.run(
                calls.config(),
                "sandbox.resume",
                sandboxId,
                () -> Futures.await(calls.resumeAsync(sandboxId), "resume sandbox " + sandboxId));
    }

    /**
     * Extends a sandbox's life to {@code now + timeout}.
     *
     * @param sandboxId the id
     * @param timeout how long from now
     * @return the new expiry
     */
    public Instant renewSandbox(String sandboxId, Duration timeout) {
        ensureOpen();
        return Observed.run(calls.config(), "sandbox.renew", sandboxId, () -> calls.renew(sandboxId, timeout));
    }

    /**
     * Changes a sandbox's metadata (a {@code null} value deletes its key).
     *
     * @param sandboxId the id
     * @param patch the changes
     * @return the sandbox afterwards
     */
    public SandboxInfo patchSandboxMetadata(String sandboxId, Map<String, @Nullable String> patch) {
        ensureOpen();
        return Observed.run(
                calls.config(), "sandbox.patchMetadata", sandboxId, () -> calls.patchMetadata(sandboxId, patch));
    }

    /**
     * Starts a snapshot of a sandbox.
     *
     * @param sandboxId the sandbox
     * @param name a name, or {@code null}
     * @return the snapshot as accepted
     */
    public SnapshotInfo createSnapshot(String sandboxId, @Nullable String name) {
        ensureOpen();
        return Observed.run(calls.config(), "snapshot.create", sandboxId, () -> calls.createSnapshot(sandboxId, name));
    }

    /**
     * A snapshot.
     *
     * @param snapshotId the id
     * @return the snapshot
     */
    public SnapshotInfo getSnapshot(String snapshotId) {
        ensureOpen();
        return Observed.run(calls.config(), "snapshot.get", null, () -> calls.getSnapshot(snapshotId));
    }

    /**
     * One page of snapshots.
     *
     * @param filter the filter
     * @return the page
     */
    public Page<SnapshotInfo> listSnapshots(SnapshotFilter filter) {
        ensureOpen();
        return Observed.run(calls.config(), "snapshot.list", null, () -> calls.listSnapshots(filter));
    }

    /**
     * Deletes a snapshot (refused with a {@link io.opensandbox.api.ConflictException} while it is being created).
     *
     * @param snapshotId the id
     */
    public void deleteSnapshot(String snapshotId) {
        ensureOpen();
        Observed.run(calls.config(), "snapshot.delete", null, () -> {
            calls.deleteSnapshot(snapshotId);
            return null;
        });
    }

    /**
     * Waits until a snapshot is {@code Ready} or {@code Failed}, polling once a second.
     *
     * @param snapshotId the id
     * @param timeout the longest wait
     * @return the snapshot in its final state
     * @throws SandboxTimeoutException if it is still being created after the timeout
     * @throws SandboxException with code {@code SNAPSHOT_FAILED} if capture failed
     */
    public SnapshotInfo waitForSnapshot(String snapshotId, Duration timeout) {
        ensureOpen();
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidArgumentException("timeout must be positive, not " + timeout, null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = Duration.ofSeconds(1).toNanos();
        while (true) {
            SnapshotInfo snapshot =
                    Observed.run(calls.config(), "snapshot.get", null, () -> calls.getSnapshot(snapshotId));
            if (snapshot.state() == SnapshotState.READY) {
                return snapshot;
            }
            if (snapshot.state() == SnapshotState.FAILED) {
                throw new SandboxException(
                        "SNAPSHOT_FAILED",
                        "snapshot " + snapshotId + " failed: "
                                + snapshot.message().orElse(snapshot.rawState()));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SandboxTimeoutException(
                        "snapshot " + snapshotId + " is still " + snapshot.rawState() + " after " + timeout, null);
            }
            LockSupport.parkNanos(Math.min(left, interval));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new SandboxException(new SandboxError(SandboxError.CANCELLED, "interrupted"), null, null);
            }
        }
    }

    /**
     * Diagnostic logs of a sandbox.
     *
     * @param sandboxId the id
     * @param scope the scope
     * @return the logs
     */
    public DiagnosticContent getDiagnosticLogs(String sandboxId, String scope) {
        ensureOpen();
        return Observed.run(
                calls.config(),
                "sandbox.getDiagnosticLogs",
                sandboxId,
                () -> calls.diagnostics(sandboxId, "logs", scope));
    }

    /**
     * Diagnostic events of a sandbox.
     *
     * @param sandboxId the id
     * @param scope the scope
     * @return the events
     */
    public DiagnosticContent getDiagnosticEvents(String sandboxId, String scope) {
        ensureOpen();
        return Observed.run(
                calls.config(),
                "sandbox.getDiagnosticEvents",
                sandboxId,
                () -> calls.diagnostics(sandboxId, "events", scope));
    }

    /** Releases this manager's use of the connection pool. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            lease.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new SandboxException(SandboxError.INVALID_ARGUMENT, "this SandboxManager was closed");
        }
    }
}
