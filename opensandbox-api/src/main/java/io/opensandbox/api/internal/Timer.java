package io.opensandbox.api.internal;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transports' timeouts (shared by both transports): one thread sweeps the pending deadlines every {@link #TICK_MILLIS} ms. Arming and
 * cancelling a deadline is a set insertion and removal, with no wake-up of the timer thread: a per-request
 * {@code ScheduledThreadPoolExecutor} task costs a signal and a context switch whenever it becomes the earliest one,
 * which on a busy two-core machine is a measurable share of a small JSON exchange. Deadlines fire up to one tick
 * late.
 */
public final class Timer {
    /** The sweep interval, and so the resolution of every timeout. */
    public static final long TICK_MILLIS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Timer.class);

    private final Set<Task> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor sweeper;
    private volatile boolean shutDown;

    /**
     * Starts the timer thread.
     *
     * @param threads makes the timer thread
     */
    public Timer(ThreadFactory threads) {
        sweeper = new ScheduledThreadPoolExecutor(1, threads);
        var unused = sweeper.scheduleAtFixedRate(this::sweep, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs an action after a delay unless cancelled first.
     *
     * @param action what to run, on the timer thread; keep it short
     * @param delay the delay
     * @param unit its unit
     * @return the pending task
     * @throws RejectedExecutionException once the timer was shut down
     */
    public Task schedule(Runnable action, long delay, TimeUnit unit) {
        if (shutDown) {
            throw new RejectedExecutionException("the timer was shut down");
        }
        Task task = new Task(System.nanoTime() + unit.toNanos(delay), action);
        pending.add(task);
        return task;
    }

    private void sweep() {
        if (pending.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        // a concurrent set: its iterator tolerates removal, and remove() says which thread runs a due task
        for (Iterator<Task> tasks = pending.iterator(); tasks.hasNext(); ) {
            Task task = tasks.next();
            if (now - task.deadline >= 0 && pending.remove(task)) {
                try {
                    task.action.run();
                } catch (RuntimeException e) {
                    LOG.warn("a timeout action failed", e);
                }
            }
        }
    }

    /** Stops the timer thread and drops the pending deadlines; later {@link #schedule} calls are refused. */
    public void shutdownNow() {
        shutDown = true;
        sweeper.shutdownNow();
        pending.clear();
    }

    /**
     * Waits for the timer thread to end after {@link #shutdownNow()}.
     *
     * @param timeout the longest wait
     * @param unit its unit
     * @return whether it ended
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return sweeper.awaitTermination(timeout, unit);
    }

    /** A pending deadline. */
    public final class Task {
        private final long deadline;
        private final Runnable action;

        private Task(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        /** Cancels the deadline; a no-op once it fired. */
        public void cancel() {
            pending.remove(this);
        }
    }
}
