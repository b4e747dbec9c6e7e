package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lease's pools start threads only when no idle one can take the task, up to their bound. */
class WorkersTest {

    @Test
    void blockingPoolReusesAnIdleThreadInsteadOfStartingOneMore() throws Exception {
        Workers workers = new Workers(256);
        try {
            Set<Thread> threads = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                // one task at a time, each submitted once the previous task's thread waits for work again
                Thread thread = workers.blocking().submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
                threads.add(thread);
                awaitIdle(thread);
            }
            assertThat(threads).hasSize(1);
        } finally {
            workers.close();
        }
    }

    private static void awaitIdle(Thread thread) throws InterruptedException {
        for (int i = 0; i < 500 && thread.getState() != Thread.State.TIMED_WAITING; i++) {
            Thread.sleep(10);
        }
        assertThat(thread.getState()).isEqualTo(Thread.State.TIMED_WAITING);
    }

    @Test
    void blockingPoolGrowsToItsBoundForTasksThatRunAtOnceAndQueuesTheRest() throws Exception {
        int bound = 4;
        Workers workers = new Workers(bound);
        try {
            CountDownLatch running = new CountDownLatch(bound);
            CountDownLatch release = new CountDownLatch(1);
            Set<String> names = ConcurrentHashMap.newKeySet();
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < bound * 3; i++) {
                tasks.add(workers.blocking().submit(() -> {
                    names.add(Thread.currentThread().getName());
                    running.countDown();
                    release.await(10, TimeUnit.SECONDS);
                    return null;
                }));
            }
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(names).hasSize(bound);
            release.countDown();
            for (Future<?> task : tasks) {
                task.get(5, TimeUnit.SECONDS); // the queued ones ran too
            }
            assertThat(names).hasSize(bound);
        } finally {
            workers.close();
        }
    }

    @Test
    void closedPoolsRefuseWork() {
        Workers workers = new Workers(2);
        workers.close();
        ExecutorService blocking = workers.blocking();
        assertThatThrownBy(() -> blocking.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> workers.handlers().execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }
}
