package io.opensandbox.api.internal;

import java.time.Duration;

/**
 * Duration conversions that saturate instead of throwing: {@link Duration#toNanos()} and {@link Duration#toMillis()}
 * throw {@link ArithmeticException} past about 292 years of nanoseconds or 292 million years of milliseconds, and a
 * conversion on the request path must never fail once a request may have been sent.
 */
public final class Durations {
    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);
    private static final Duration MIN_NANOS = Duration.ofNanos(Long.MIN_VALUE);
    private static final Duration MAX_MILLIS = Duration.ofMillis(Long.MAX_VALUE);
    private static final Duration MIN_MILLIS = Duration.ofMillis(Long.MIN_VALUE);

    private Durations() {}

    /**
     * The duration in nanoseconds, {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE} when it does not fit.
     *
     * @param duration the duration
     * @return the nanoseconds, saturated
     */
    public static long toNanosSaturated(Duration duration) {
        if (duration.compareTo(MAX_NANOS) >= 0) {
            return Long.MAX_VALUE;
        }
        if (duration.compareTo(MIN_NANOS) <= 0) {
            return Long.MIN_VALUE;
        }
        return duration.toNanos();
    }

    /**
     * The duration in whole milliseconds (truncated, as {@link Duration#toMillis()}), {@link Long#MAX_VALUE} or
     * {@link Long#MIN_VALUE} when it does not fit.
     *
     * @param duration the duration
     * @return the milliseconds, saturated
     */
    public static long toMillisSaturated(Duration duration) {
        if (duration.compareTo(MAX_MILLIS) >= 0) {
            return Long.MAX_VALUE;
        }
        if (duration.compareTo(MIN_MILLIS) <= 0) {
            return Long.MIN_VALUE;
        }
        return duration.toMillis();
    }
}
