package io.opensandbox.api.internal.stream;

import io.opensandbox.api.internal.Threads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads of one shared transport's users (see the package documentation for who runs what). Created with
 * the transport's share and shut down when its last lease is closed; every pool starts its threads on first use
 * and lets them end after a short idle time, so an SDK that streams nothing starts none.
 */
public final class Workers {
    /** The number of handler threads: a handful serve any number of streams, each drain being short. */
    public static final int HANDLER_THREADS =
            Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    /** The prefix of every thread name here. */
    public static final String PREFIX = "opensandbox-";

    private final Threads handlerThreads = new Threads(PREFIX, "handler");
    private final Threads blockingThreads = new Threads(PREFIX, "io");
    private final Threads timerThreads = new Threads(PREFIX, "timer");
    private final ThreadPoolExecutor handlers;
    private final ThreadPoolExecutor blocking;
    private final ScheduledThreadPoolExecutor timer;

    /**
     * Creates the pools (no thread yet).
     *
     * @param maxBlocking the most blocking tasks at once (the transport's connection limit: no more exchanges run
     *     at once anyway); more wait in line
     */
    public Workers(int maxBlocking) {
        handlers = pool(HANDLER_THREADS, handlerThreads);
        blocking = growingPool(Math.max(1, maxBlocking), blockingThreads);
        timer = new ScheduledThreadPoolExecutor(1, timerThreads);
        timer.setRemoveOnCancelPolicy(true);
        // on close, pending limits and retry waits are dropped: their calls were already ended
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    private static ThreadPoolExecutor pool(int threads, Threads factory) {
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * A pool that hands a task to an idle thread when there is one, starts a thread only when none is idle (up to
     * {@code max}), and queues the rest. A plain {@link ThreadPoolExecutor} with a core size of {@code max} would
     * start a new thread for every task until it had {@code max} of them, idle ones notwithstanding: one thread per
     * transfer, up to the connection limit.
     */
    private static ThreadPoolExecutor growingPool(int max, Threads factory) {
        HandOff queue = new HandOff();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(1, max, 30, TimeUnit.SECONDS, queue, factory, (task, executor) -> {
                    // every thread is busy and there are max of them: the task waits in line
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException("the SDK's workers are shut down");
                    }
                    queue.enqueue(task);
                    if (executor.isShutdown() && executor.remove(task)) {
                        throw new RejectedExecutionException("the SDK's workers are shut down");
                    }
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * A queue whose {@code offer} succeeds only when a thread is waiting for work, so that the executor starts a
     * thread otherwise; the executor's rejection handler queues for real once all threads are busy.
     */
    private static final class HandOff extends LinkedTransferQueue<Runnable> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }

    /**
     * Runs user handlers and stream consumers pushed by {@link BodyReader#drainOn}: short tasks, never a blocking
     * wait for the network.
     *
     * @return the executor
     */
    public ExecutorService handlers() {
        return handlers;
    }

    /**
     * Runs blocking local I/O of transfers: reading an upload's source, writing an asynchronous download to its
     * target. An idle thread takes a task before a new one starts; bounded (the transport's connection limit), and
     * tasks beyond the bound wait in line.
     *
     * @return the executor
     */
    public ExecutorService blocking() {
        return blocking;
    }

    /**
     * Fires the time limits of calls and transfers and the waits between retries. Tasks must be short.
     *
     * @return the timer
     */
    public ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Stops every pool. Tasks already queued still run (the end of a stream that closing the lease just failed is
     * delivered that way), for up to a second; then what is left is interrupted.
     */
    public void close() {
        handlers.shutdown();
        blocking.shutdown();
        timer.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (ExecutorService pool : new ExecutorService[] {handlers, blocking, timer}) {
            try {
                if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        for (Threads threads : new Threads[] {handlerThreads, blockingThreads, timerThreads}) {
            threads.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }
}
