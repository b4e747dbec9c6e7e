package io.opensandbox.lifecycle;

/**
 * The state of a snapshot. The server may add states; those read as {@link #UNKNOWN}, and
 * {@link SnapshotInfo#rawState()} keeps the server's text.
 */
public enum SnapshotState {
    /** Being captured. */
    CREATING("Creating"),
    /** Available for restoring sandboxes. */
    READY("Ready"),
    /** Being deleted. */
    DELETING("Deleting"),
    /** Capture failed. */
    FAILED("Failed"),
    /** A state this SDK version does not know. */
    UNKNOWN("Unknown");

    private final String wireValue;

    SnapshotState(String wireValue) {
        this.wireValue = wireValue;
    }

    /**
     * The server's name for the state ({@code Ready}, ...).
     *
     * @return the wire value
     */
    public String wireValue() {
        return wireValue;
    }

    /**
     * Reads the server's name for a state, case-insensitively; unknown names give {@link #UNKNOWN}.
     *
     * @param value the wire value, possibly {@code null}
     * @return the state
     */
    public static SnapshotState fromWire(@org.jspecify.annotations.Nullable String value) {
        for (SnapshotState state : values()) {
            if (state != UNKNOWN && state.wireValue.equalsIgnoreCase(value == null ? "" : value.strip())) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
