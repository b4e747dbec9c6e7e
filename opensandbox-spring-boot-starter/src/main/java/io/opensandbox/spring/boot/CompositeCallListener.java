package io.opensandbox.spring.boot;

import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.CallStart;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Tells several listeners of each call, in order. One listener that throws does not keep the others from being
 * told; the SDK drops what the composite itself throws.
 */
final class CompositeCallListener implements CallListener {
    private final List<CallListener> listeners;

    private CompositeCallListener(List<CallListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    static CallListener of(List<CallListener> listeners) {
        return listeners.size() == 1 ? listeners.get(0) : new CompositeCallListener(listeners);
    }

    @Override
    public CallObserver callStarted(CallStart start) {
        List<CallObserver> observers = new ArrayList<>(listeners.size());
        @Nullable RuntimeException first = null;
        for (CallListener listener : listeners) {
            try {
                observers.add(listener.callStarted(start));
            } catch (RuntimeException e) {
                first = keep(first, e);
            }
        }
        if (first != null && observers.isEmpty()) {
            throw first;
        }
        return new CallObserver() {
            @Override
            public void attemptStarted(int attempt) {
                each(observer -> observer.attemptStarted(attempt));
            }

            @Override
            public void callEnded(CallEnd end) {
                each(observer -> observer.callEnded(end));
            }

            private void each(Consumer<CallObserver> action) {
                @Nullable RuntimeException failure = null;
                for (CallObserver observer : observers) {
                    try {
                        action.accept(observer);
                    } catch (RuntimeException e) {
                        failure = keep(failure, e);
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }

    private static RuntimeException keep(@Nullable RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "CompositeCallListener" + listeners;
    }
}
