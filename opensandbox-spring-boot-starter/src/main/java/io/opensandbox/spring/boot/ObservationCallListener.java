package io.opensandbox.spring.boot;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opensandbox.api.CallEnd;
import io.opensandbox.api.CallListener;
import io.opensandbox.api.CallObserver;
import io.opensandbox.api.CallStart;
import java.util.Objects;

/**
 * Turns every SDK call into a Micrometer {@link Observation} named {@value #NAME}: with Spring Boot's default
 * handlers that is a timer {@code opensandbox.calls} (Prometheus: {@code opensandbox_calls_seconds}) and, with a
 * tracing bridge such as Micrometer Tracing for OpenTelemetry, a span per call, child of the span current where
 * the call was made.
 *
 * <p>Low-cardinality keys (timer tags): {@code operation} (such as {@code commands.run}), {@code outcome}
 * ({@code SUCCESS}, {@code FAILURE}, {@code CANCELLED}), {@code status} (the last HTTP status, or {@code none}),
 * {@code exception} (the exception's simple class name, or {@code none}). High-cardinality keys (span attributes
 * only): {@code sandbox.id}, {@code attempts}, {@code bytes.sent}, {@code bytes.received}.
 */
public final class ObservationCallListener implements CallListener {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "opensandbox.calls";

    private final ObservationRegistry registry;

    private ObservationCallListener(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * A listener that records into the given registry.
     *
     * @param registry the registry
     * @return the listener
     */
    public static ObservationCallListener of(ObservationRegistry registry) {
        return new ObservationCallListener(registry);
    }

    @Override
    public CallObserver callStarted(CallStart start) {
        Observation observation = Observation.createNotStarted(NAME, registry)
                .contextualName(start.operation())
                .lowCardinalityKeyValue("operation", start.operation())
                .highCardinalityKeyValue("sandbox.id", start.sandboxId().orElse("none"))
                .start();
        return new CallObserver() {
            @Override
            public void attemptStarted(int attempt) {
                if (attempt > 1) {
                    observation.event(Observation.Event.of("opensandbox.retry", "retry " + (attempt - 1)));
                }
            }

            @Override
            public void callEnded(CallEnd end) {
                observation
                        .lowCardinalityKeyValue("outcome", end.outcome().name())
                        .lowCardinalityKeyValue(
                                "status",
                                end.status().isPresent()
                                        ? Integer.toString(end.status().getAsInt())
                                        : "none")
                        .lowCardinalityKeyValue(KeyValue.of(
                                "exception",
                                end.failure()
                                        .map(failure -> failure.getClass().getSimpleName())
                                        .orElse("none")))
                        .highCardinalityKeyValue("attempts", Integer.toString(end.attempts()))
                        .highCardinalityKeyValue("bytes.sent", Long.toString(end.bytesSent()))
                        .highCardinalityKeyValue("bytes.received", Long.toString(end.bytesReceived()));
                end.failure().ifPresent(observation::error);
                observation.stop();
            }
        };
    }

    @Override
    public String toString() {
        return "ObservationCallListener{name=" + NAME + "}";
    }
}
