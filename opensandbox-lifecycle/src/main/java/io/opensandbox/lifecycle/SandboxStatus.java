package io.opensandbox.lifecycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The status of a sandbox: its state and why it is in it. Immutable. */
public final class SandboxStatus {
    private final SandboxState state;
    private final String rawState;
    private final @Nullable String reason;
    private final @Nullable String message;
    private final @Nullable Instant lastTransitionAt;

    SandboxStatus(
            String rawState, @Nullable String reason, @Nullable String message, @Nullable Instant lastTransitionAt) {
        this.state = SandboxState.fromWire(rawState);
        this.rawState = rawState;
        this.reason = reason;
        this.message = message;
        this.lastTransitionAt = lastTransitionAt;
    }

    /**
     * The state; {@link SandboxState#UNKNOWN} for a state this SDK does not know.
     *
     * @return the state
     */
    public SandboxState state() {
        return state;
    }

    /**
     * The state as the server named it.
     *
     * @return the raw state
     */
    public String rawState() {
        return rawState;
    }

    /**
     * A machine-readable reason ({@code user_delete}, {@code ttl_expiry}, ...).
     *
     * @return the reason, if sent
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * A human-readable message.
     *
     * @return the message, if sent
     */
    public Optional<String> message() {
        return Optional.ofNullable(message);
    }

    /**
     * When the state last changed.
     *
     * @return the time, if sent
     */
    public Optional<Instant> lastTransitionAt() {
        return Optional.ofNullable(lastTransitionAt);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SandboxStatus that
                && rawState.equals(that.rawState)
                && Objects.equals(reason, that.reason)
                && Objects.equals(message, that.message)
                && Objects.equals(lastTransitionAt, that.lastTransitionAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rawState, reason, message, lastTransitionAt);
    }

    @Override
    public String toString() {
        return rawState + (reason == null ? "" : " (" + reason + ")") + (message == null ? "" : ": " + message);
    }
}
