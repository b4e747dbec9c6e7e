package io.opensandbox.api;

import java.util.Locale;

/** What an egress rule or a policy's default does with matching traffic. */
public enum EgressAction {
    /** Let the traffic through. */
    ALLOW,
    /** Block the traffic. */
    DENY,
    /** A value this SDK version does not know; sent back to a server it is refused. */
    UNKNOWN;

    /**
     * The wire form: {@code allow} or {@code deny}.
     *
     * @return the wire value
     */
    public String wireValue() {
        if (this == UNKNOWN) {
            throw new InvalidArgumentException("UNKNOWN is not an egress action a server accepts", null);
        }
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads the wire form; unknown values become {@link #UNKNOWN}.
     *
     * @param value the wire value, possibly {@code null}
     * @return the action
     */
    public static EgressAction fromWire(@org.jspecify.annotations.Nullable String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "allow" -> ALLOW;
            case "deny" -> DENY;
            default -> UNKNOWN;
        };
    }
}
