package io.opensandbox.commands.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The default executor for asynchronous handlers: a few daemon threads shared by every stream, created lazily. */
public final class HandlerExecutors {
    /** The number of shared handler threads. */
    public static final int THREADS =
            Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private HandlerExecutors() {}

    private static final class Holder {
        static final Executor SHARED = create();

        private static Executor create() {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = runnable -> {
                Thread thread = new Thread(runnable, "opensandbox-commands-handler-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            ThreadPoolExecutor executor = new ThreadPoolExecutor(
                    THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }

    /**
     * The shared executor. Tasks are short (one drain of a stream's queued buffers), so a handful of threads serve
     * any number of concurrent streams.
     *
     * @return the executor
     */
    public static Executor shared() {
        return Holder.SHARED;
    }
}
