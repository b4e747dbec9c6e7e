package io.opensandbox.pool.internal;

import io.opensandbox.api.InvalidArgumentException;
import java.time.Duration;

/** Argument checks shared by the pool and its stores; each failure is an {@link InvalidArgumentException}. */
public final class Checks {
    private Checks() {}

    /**
     * A string that is not null or blank.
     *
     * @param value the value
     * @param name its name in the message
     * @return the value
     */
    public static String nonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(name + " must not be blank", null);
        }
        return value;
    }

    /**
     * A duration above zero.
     *
     * @param value the value
     * @param name its name in the message
     * @return the value
     */
    public static Duration positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new InvalidArgumentException(name + " must be a positive duration, not " + value, null);
        }
        return value;
    }

    /**
     * A duration of zero or more.
     *
     * @param value the value
     * @param name its name in the message
     * @return the value
     */
    public static Duration notNegative(Duration value, String name) {
        if (value == null || value.isNegative()) {
            throw new InvalidArgumentException(name + " must be zero or positive, not " + value, null);
        }
        return value;
    }

    /**
     * A number of zero or more.
     *
     * @param value the value
     * @param name its name in the message
     * @return the value
     */
    public static int notNegative(int value, String name) {
        if (value < 0) {
            throw new InvalidArgumentException(name + " must be zero or more, not " + value, null);
        }
        return value;
    }
}
