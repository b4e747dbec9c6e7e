package io.opensandbox.api.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the SDK's daemon threads, named {@code <prefix><kind>-<n>} (for example {@code opensandbox-hc5-io-1} or
 * {@code opensandbox-handler-1}), and remembers them so that their owner can wait for them to end on close. Every
 * SDK thread comes from one of these: the transports' and the stream runtime's.
 */
public final class Threads implements ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> started = new ArrayList<>();

    /**
     * Creates a factory.
     *
     * @param prefix the common prefix, ending with {@code -} ({@code opensandbox-hc5-})
     * @param kind what the threads do ({@code io}, {@code timer})
     */
    public Threads(String prefix, String kind) {
        this.name = prefix + kind + "-";
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, name + count.incrementAndGet());
        thread.setDaemon(true);
        synchronized (started) {
            started.removeIf(t -> !t.isAlive());
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
    public void awaitTermination(long timeout, TimeUnit unit) {
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
