package io.opensandbox.network;

import io.opensandbox.api.EgressAction;
import io.opensandbox.api.NetworkPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the egress sidecar reports about a sandbox's egress policy: the policy in force (when it sent it) and the
 * runtime metadata it derives. The sidecar's mode strings are kept as sent; actions it sends that this SDK does not
 * know read as {@link EgressAction#UNKNOWN}, their raw text kept in {@link #rawDefaultAction()} and
 * {@link #rawRuleActions()}. Immutable.
 */
public final class EgressPolicyStatus {
    private final @Nullable String status;
    private final @Nullable String mode;
    private final @Nullable String enforcementMode;
    private final @Nullable String reason;
    private final @Nullable NetworkPolicy policy;
    private final @Nullable String rawDefaultAction;
    private final List<String> rawRuleActions;

    EgressPolicyStatus(
            @Nullable String status,
            @Nullable String mode,
            @Nullable String enforcementMode,
            @Nullable String reason,
            @Nullable NetworkPolicy policy,
            @Nullable String rawDefaultAction,
            List<String> rawRuleActions) {
        this.status = status;
        this.mode = mode;
        this.enforcementMode = enforcementMode;
        this.reason = reason;
        this.policy = policy;
        this.rawDefaultAction = rawDefaultAction;
        this.rawRuleActions = List.copyOf(rawRuleActions);
    }

    /**
     * The operation status the sidecar reported, for example {@code ok}.
     *
     * @return the status
     */
    public Optional<String> status() {
        return Optional.ofNullable(status);
    }

    /**
     * The runtime mode the sidecar derives from the policy, for example {@code deny_all}, as sent.
     *
     * @return the mode
     */
    public Optional<String> mode() {
        return Optional.ofNullable(mode);
    }

    /**
     * The sidecar's enforcement backend, for example {@code dns}, as sent.
     *
     * @return the enforcement mode
     */
    public Optional<String> enforcementMode() {
        return Optional.ofNullable(enforcementMode);
    }

    /**
     * Extra context the sidecar gave, when any.
     *
     * @return the reason
     */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * The policy in force. Present for {@link Egress#getEgressPolicy()}; the sidecar usually leaves it out of the
     * answers to patch and delete. A policy without {@code defaultAction} reads as {@link EgressAction#DENY}, the
     * sidecar's default.
     *
     * @return the policy
     */
    public Optional<NetworkPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /**
     * The policy's default action exactly as sent, when it was sent.
     *
     * @return the raw default action
     */
    public Optional<String> rawDefaultAction() {
        return Optional.ofNullable(rawDefaultAction);
    }

    /**
     * The rules' actions exactly as sent, in the order of {@link NetworkPolicy#egress()} (empty text for a rule sent
     * without one); empty without a policy.
     *
     * @return an unmodifiable list
     */
    public List<String> rawRuleActions() {
        return rawRuleActions;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EgressPolicyStatus that
                && Objects.equals(status, that.status)
                && Objects.equals(mode, that.mode)
                && Objects.equals(enforcementMode, that.enforcementMode)
                && Objects.equals(reason, that.reason)
                && Objects.equals(policy, that.policy)
                && Objects.equals(rawDefaultAction, that.rawDefaultAction)
                && rawRuleActions.equals(that.rawRuleActions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, mode, enforcementMode, reason, policy, rawDefaultAction, rawRuleActions);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("EgressPolicyStatus{");
        append(out, "status", status);
        append(out, "mode", mode);
        append(out, "enforcementMode", enforcementMode);
        append(out, "reason", reason);
        append(out, "policy", policy);
        return out.append('}').toString();
    }

    private static void append(StringBuilder out, String name, @Nullable Object value) {
        if (value != null) {
            out.append(out.charAt(out.length() - 1) == '{' ? "" : ", ")
                    .append(name)
                    .append('=')
                    .append(value);
        }
    }
}
