package io.opensandbox.transport.httpclient5.internal;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's timeouts: one thread sweeps the pending deadlines every {@link #TICK_MILLIS} ms. Arming and
 * cancelling a deadline is a set insertion and removal, with no wake-up of the timer thread: a request-per-request
 * {@code ScheduledThreadPoolExecutor} task costs a signal and a context switch whenever it becomes the earliest one,
 * which on a busy two-core machine is a measurable share of a small JSON exchange. Deadlines fire up to one tick
 * late.
 */
final class Timer {
    /** The sweep interval, and so the resolution of every timeout. */
    static final long TICK_MILLIS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Timer.class);

    private final Set<Task> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor sweeper;

    Timer(ThreadFactory threads) {
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
     */
    Task schedule(Runnable action, long delay, TimeUnit unit) {
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

    void shutdownNow() {
        sweeper.shutdownNow();
        pending.clear();
    }

    /** A pending deadline. */
    final class Task {
        private final long deadline;
        private final Runnable action;

        private Task(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        /**
         * Cancels the deadline; a no-op once it fired.
         *
         * @param mayInterrupt ignored, as in {@link java.util.concurrent.Future#cancel(boolean)} for timer tasks
         */
        void cancel(boolean mayInterrupt) {
            pending.remove(this);
        }
    }
}
