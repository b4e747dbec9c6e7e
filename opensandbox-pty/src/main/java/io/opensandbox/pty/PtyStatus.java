package io.opensandbox.pty;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What execd reports of a session ({@code GET /pty/{id}}). Immutable. */
public final class PtyStatus {
    private final String sessionId;
    private final boolean running;
    private final long outputOffset;

    PtyStatus(String sessionId, boolean running, long outputOffset) {
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.running = running;
        this.outputOffset = outputOffset;
    }

    /**
     * The session's id.
     *
     * @return the id
     */
    public String sessionId() {
        return sessionId;
    }

    /**
     * Whether the shell is running. It starts on the first attach, not at creation, and a session whose shell
     * exited starts a new one on the next attach.
     *
     * @return whether it runs
     */
    public boolean running() {
        return running;
    }

    /**
     * How many output bytes the session has produced in all; output from here on is new. execd keeps the last
     * MiB for replay.
     *
     * @return the total
     */
    public long outputOffset() {
        return outputOffset;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PtyStatus other
                && sessionId.equals(other.sessionId)
                && running == other.running
                && outputOffset == other.outputOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, running, outputOffset);
    }

    @Override
    public String toString() {
        return "PtyStatus[" + sessionId + ", running=" + running + ", outputOffset=" + outputOffset + "]";
    }
}
