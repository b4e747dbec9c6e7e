package io.opensandbox.api;

/** Validation of header names and values, shared by the public types of this package. */
final class HeaderChecks {
    private HeaderChecks() {}

    static void check(String name, String value) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(HeaderChecks::isTokenChar)) {
            throw new InvalidArgumentException(
                    "invalid header name '" + name + "': use letters, digits and !#$%&'*+-.^_`|~ only", null);
        }
        if (value == null) {
            throw new InvalidArgumentException("header '" + name + "' has a null value", null);
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new InvalidArgumentException(
                    "header '" + name + "' has a value with CR, LF or NUL, which would inject headers", null);
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
