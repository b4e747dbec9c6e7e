package io.opensandbox.transport.httpclient5.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the transport's daemon threads, named {@code opensandbox-hc5-<kind>-<n>}, and remembers them for close. */
final class Threads implements ThreadFactory {
    static final String PREFIX = "opensandbox-hc5-";

    private final String kind;
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> started = new ArrayList<>();

    Threads(String kind) {
        this.kind = kind;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, PREFIX + kind + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        synchronized (started) {
            started.add(thread);
        }
        return thread;
    }

    /**
     * Waits for every thread made here to end, except the calling one.
     *
     * @param timeout the longest total wait
     * @param unit the unit of the timeout
     */
    void awaitTermination(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Thread> threads;
        synchronized (started) {
            threads = new ArrayList<>(started);
        }
        for (Thread thread : threads) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
