package io.opensandbox.api.testing;

import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.CallStart;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** For the observation tests of every capability module: a {@link CallListener} that records every event it is told, with the thread it was told on. */
public final class CallRecorder implements CallListener {
    /** Every event, as text, in the order told. */
    public final List<String> events = new CopyOnWriteArrayList<>();
    /** Every call end. */
    public final List<CallEnd> ends = new CopyOnWriteArrayList<>();
    /** The thread each event was told on. */
    public final List<String> threads = new CopyOnWriteArrayList<>();

    private final Semaphore ended = new Semaphore(0);

    @Override
    public CallObserver callStarted(CallStart start) {
        record("start " + start.operation() + " " + start.sandboxId().orElse("-"));
        return new CallObserver() {
            @Override
            public void attemptStarted(int attempt) {
                record("attempt " + attempt);
            }

            @Override
            public void callEnded(CallEnd end) {
                record("end " + end.operation() + " " + end.outcome());
                ends.add(end);
                ended.release();
            }
        };
    }

    private void record(String event) {
        events.add(event);
        threads.add(Thread.currentThread().getName());
    }

    /** Waits until {@code count} calls ended in all (ends may be told on a handler thread after the call returned). */
    public void awaitEnds(int count) throws InterruptedException {
        if (!ended.tryAcquire(count, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("expected " + count + " call ends, got " + ends.size() + ": " + events);
        }
        ended.release(count);
    }

    /** The end of the only call of that name. */
    public CallEnd end(String operation) {
        List<CallEnd> found =
                ends.stream().filter(e -> e.operation().equals(operation)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one end of " + operation + ", got " + found + " in " + events);
        }
        return found.get(0);
    }

    /** The operations started, in order. */
    public List<String> operations() {
        return events.stream()
                .filter(e -> e.startsWith("start "))
                .map(e -> e.split(" ")[1])
                .toList();
    }

    /**
     * Whether every event was told on the test's thread or an SDK handler thread: never a transport I/O thread,
     * the SDK's timer or blocking-I/O threads, or the common pool.
     */
    public boolean onlyOn(String testThread) {
        return threads.stream().allMatch(name -> name.equals(testThread) || name.startsWith("opensandbox-handler-"));
    }

    /** Everything the listener was given, as text, to look for secrets in. */
    public String told() {
        StringBuilder all = new StringBuilder(events.toString()).append(ends);
        for (CallEnd end : ends) {
            end.failure().ifPresent(failure -> all.append(failure).append(failure.getMessage()));
        }
        return all.toString();
    }

    /**
     * Listeners that throw from everything they are told: one from attempts and ends, one from the start of a call.
     *
     * @return the two listeners
     */
    public static List<CallListener> hostile() {
        CallListener fromObserver = start -> new CallObserver() {
            @Override
            public void attemptStarted(int attempt) {
                throw new IllegalStateException("attempt");
            }

            @Override
            public void callEnded(CallEnd end) {
                throw new IllegalStateException("end");
            }
        };
        CallListener fromStart = start -> {
            throw new IllegalStateException("start");
        };
        return List.of(fromObserver, fromStart);
    }
}
