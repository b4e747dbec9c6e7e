package io.opensandbox.transport.jdk.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Makes the transport's daemon threads, named {@code opensandbox-jdk-<kind>-<n>}. */
final class Threads implements ThreadFactory {
    static final String PREFIX = "opensandbox-jdk-";

    private final String kind;
    private final AtomicInteger count = new AtomicInteger();

    Threads(String kind) {
        this.kind = kind;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, PREFIX + kind + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
