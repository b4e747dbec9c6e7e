package io.opensandbox.files.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The module's threads: a cached pool of daemon workers for blocking file reads and writes (upload sources,
 * asynchronous downloads, progress listeners), and one daemon timer for overall time limits. Idle workers end
 * after a minute.
 */
public final class IoThreads {
    /** Runs blocking file I/O; never a network I/O thread. */
    public static final ExecutorService WORKERS = Executors.newCachedThreadPool(factory("opensandbox-files-io-"));

    /** Fires overall time limits. */
    public static final ScheduledThreadPoolExecutor TIMER = timer();

    private IoThreads() {}

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, factory("opensandbox-files-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        // no thread lingers once transfers are over: the thread ends after 10 idle seconds and comes back on demand
        timer.setKeepAliveTime(10, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    private static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
