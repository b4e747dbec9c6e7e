package io.opensandbox.lifecycle;

/**
 * The lifecycle state of a sandbox. The server may add states; those read as {@link #UNKNOWN}, and
 * {@link SandboxStatus#rawState()} keeps the server's text.
 */
public enum SandboxState {
    /** Being provisioned. */
    PENDING("Pending"),
    /** Running and ready to accept requests. */
    RUNNING("Running"),
    /** Being paused. */
    PAUSING("Pausing"),
    /** Paused, state retained. */
    PAUSED("Paused"),
    /** Being restored after a pause. */
    RESUMING("Resuming"),
    /** Being terminated. */
    STOPPING("Stopping"),
    /** Terminated. */
    TERMINATED("Terminated"),
    /** Failed with a critical error. */
    FAILED("Failed"),
    /** A state this SDK version does not know. */
    UNKNOWN("Unknown");

    private final String wireValue;

    SandboxState(String wireValue) {
        this.wireValue = wireValue;
    }

    /**
     * The server's name for the state ({@code Running}, ...).
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
    public static SandboxState fromWire(@org.jspecify.annotations.Nullable String value) {
        for (SandboxState state : values()) {
            if (state != UNKNOWN && state.wireValue.equalsIgnoreCase(value == null ? "" : value.strip())) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
