package io.opensandbox.network;

import io.opensandbox.api.InvalidArgumentException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Client-side checks that fail before a request is sent; messages never carry credential values. */
final class Checks {
    /** An HTTP header name (RFC 9110 token), the spec's pattern for API-key and custom header names. */
    static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

    private Checks() {}

    static String name(String what, String name) {
        Objects.requireNonNull(name, what + " name");
        if (name.isBlank()) {
            throw new InvalidArgumentException(what + " name must not be blank", null);
        }
        return name;
    }

    static String headerName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!HEADER_NAME.matcher(name).matches()) {
            throw new InvalidArgumentException(
                    what + " '" + name + "' is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
                    null);
        }
        return name;
    }

    static <T> List<T> nonEmpty(String what, List<T> values) {
        Objects.requireNonNull(values, what);
        List<T> copy = List.copyOf(values);
        if (copy.isEmpty()) {
            throw new InvalidArgumentException(what + " must not be empty", null);
        }
        return copy;
    }
}
