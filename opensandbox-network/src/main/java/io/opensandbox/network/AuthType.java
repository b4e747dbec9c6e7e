package io.opensandbox.network;

import org.jspecify.annotations.Nullable;

/** The kind of a binding's authentication; open: values this SDK does not know read as {@link #UNKNOWN}. */
public enum AuthType {
    /** {@code bearer}. */
    BEARER("bearer"),
    /** {@code basic}. */
    BASIC("basic"),
    /** {@code apiKey}. */
    API_KEY("apiKey"),
    /** {@code customHeaders}. */
    CUSTOM_HEADERS("customHeaders"),
    /** A type this SDK version does not know; the raw value is kept where it was read. */
    UNKNOWN("");

    private final String wire;

    AuthType(String wire) {
        this.wire = wire;
    }

    /**
     * The wire form, for example {@code apiKey}.
     *
     * @return the wire value; empty for {@link #UNKNOWN}
     */
    public String wireValue() {
        return wire;
    }

    /**
     * Reads the wire form; unknown or missing values become {@link #UNKNOWN}.
     *
     * @param value the wire value, possibly {@code null}
     * @return the type
     */
    public static AuthType fromWire(@Nullable String value) {
        for (AuthType type : values()) {
            if (type != UNKNOWN && type.wire.equals(value)) {
                return type;
            }
        }
        return UNKNOWN;
    }
}
