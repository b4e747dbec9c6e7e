package io.opensandbox.files.internal;

import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.internal.Durations;
import io.opensandbox.api.internal.Transports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The life of one upload or download: its overall time limit (on the lease's timer) and the actions that abort it
 * (cancel the exchange, close the body). Aborting runs every registered action once; an action registered after
 * the abort runs at once. Closing the lease aborts the transfer too, and {@link #closed()} then says why.
 */
public final class Transfer {
    private final String what;
    private final @Nullable Duration timeout;
    private final ScheduledExecutorService timerService;
    private final Transports.Lease.Owned registration;
    private volatile @Nullable SandboxClosedException closed;
    private final List<Runnable> aborts = new ArrayList<>();
    private final List<Runnable> finishes = new ArrayList<>();
    private @Nullable ScheduledFuture<?> timer;
    private boolean aborted;
    private boolean done;
    private volatile boolean timedOut;
    private volatile @Nullable String timeoutReason;

    /**
     * Starts a transfer; its time limit starts now.
     *
     * @param what a description for messages ({@code "download of /data/x"})
     * @param timeout the overall time limit, or {@code null} for none
     * @param lease the lease the transfer belongs to: its timer fires the limits, and closing it aborts the transfer
     */
    public Transfer(String what, @Nullable Duration timeout, Transports.Lease lease) {
        this.what = what;
        this.timeout = timeout;
        this.timerService = lease.workers().timer();
        this.registration = lease.onClose(what, this::closedBy);
        if (timeout != null) {
            timer = schedule(this::expire, timeout);
        }
    }

    private @Nullable ScheduledFuture<?> schedule(Runnable action, Duration delay) {
        try {
            return timerService.schedule(action, Durations.toNanosSaturated(delay), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            closedBy(new SandboxClosedException(what + " was ended because its sandbox or handle was closed", e));
            return null;
        }
    }

    private void closedBy(SandboxClosedException reason) {
        synchronized (this) {
            if (done) {
                return;
            }
            closed = reason;
        }
        abort();
    }

    /**
     * The reason when the transfer was aborted because its lease was closed.
     *
     * @return the exception to fail with, or {@code null}
     */
    public @Nullable SandboxClosedException closed() {
        return closed;
    }

    private void expire() {
        synchronized (this) {
            if (done) {
                return;
            }
            timedOut = true;
        }
        abort();
    }

    /**
     * Adds a second, earlier limit from now on (for example the wait for an answer once a body was sent); the
     * overall limit still applies.
     *
     * @param limit the time from now
     * @param reason the message when it passes, said instead of the overall limit's
     */
    public void expireAfter(Duration limit, String reason) {
        synchronized (this) {
            if (done || aborted) {
                return;
            }
        }
        ScheduledFuture<?> extra = schedule(
                () -> {
                    synchronized (this) {
                        if (done) {
                            return;
                        }
                        timeoutReason = reason;
                        timedOut = true;
                    }
                    abort();
                },
                limit);
        if (extra != null) {
            onFinish(() -> extra.cancel(false));
        }
    }

    private void onFinish(Runnable action) {
        boolean runNow;
        synchronized (this) {
            runNow = done;
            if (!runNow) {
                finishes.add(action);
            }
        }
        if (runNow) {
            action.run();
        }
    }

    /**
     * Registers an abort action.
     *
     * @param action closes or cancels something; must not block long
     */
    public void onAbort(Runnable action) {
        boolean runNow;
        synchronized (this) {
            runNow = aborted;
            if (!runNow) {
                aborts.add(action);
            }
        }
        if (runNow) {
            action.run();
        }
    }

    /** Aborts the transfer: runs every abort action. */
    public void abort() {
        List<Runnable> toRun;
        synchronized (this) {
            if (aborted) {
                return;
            }
            aborted = true;
            toRun = new ArrayList<>(aborts);
            aborts.clear();
        }
        for (Runnable action : toRun) {
            try {
                action.run();
            } catch (RuntimeException ignored) {
                // aborting is best effort; the transfer fails either way
            }
        }
    }

    /** Marks the transfer finished: the time limit no longer applies. */
    public void finish() {
        ScheduledFuture<?> pending;
        List<Runnable> toRun;
        synchronized (this) {
            done = true;
            pending = timer;
            timer = null;
            aborts.clear();
            toRun = new ArrayList<>(finishes);
            finishes.clear();
        }
        if (pending != null) {
            pending.cancel(false);
        }
        registration.close();
        toRun.forEach(Runnable::run);
    }

    /**
     * Whether the overall time limit passed.
     *
     * @return {@code true} after the limit fired
     */
    public boolean timedOut() {
        return timedOut;
    }

    /**
     * The exception for a passed time limit.
     *
     * @param cause what the abort caused, or {@code null}
     * @return the exception
     */
    public SandboxTimeoutException timeoutException(@Nullable Throwable cause) {
        String reason = timeoutReason;
        if (reason != null) {
            return new SandboxTimeoutException(what + ": " + reason, cause);
        }
        return new SandboxTimeoutException(
                what + " did not finish within its time limit of " + timeout
                        + "; set a longer timeout in the options, or none to be bounded only by the stream idle"
                        + " timeout",
                cause);
    }
}
