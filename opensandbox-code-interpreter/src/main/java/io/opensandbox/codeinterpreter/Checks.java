package io.opensandbox.codeinterpreter;

import io.opensandbox.api.InvalidArgumentException;
import org.jspecify.annotations.Nullable;

/** Argument checks that fail with {@link InvalidArgumentException} before any request. */
final class Checks {
    private Checks() {}

    static String notBlank(@Nullable String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(what + " must not be blank", null);
        }
        return value;
    }
}
