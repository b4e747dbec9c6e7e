package io.opensandbox.api;

import java.util.List;
import java.util.Objects;

/**
 * A sandbox's egress policy: the action for traffic no rule matches and the rules, first match wins. Used when
 * creating a sandbox and when reading or changing its policy at run time.
 *
 * @param defaultAction the action for unmatched traffic
 * @param egress the rules, in order
 */
public record NetworkPolicy(EgressAction defaultAction, List<EgressRule> egress) {

    /**
     * Copies the rules.
     *
     * @param defaultAction the action for unmatched traffic
     * @param egress the rules, in order
     */
    public NetworkPolicy {
        Objects.requireNonNull(defaultAction, "defaultAction");
        egress = List.copyOf(egress);
    }

    /**
     * A policy that denies everything but the given rules' allowed targets.
     *
     * @param rules the rules
     * @return the policy
     */
    public static NetworkPolicy denyByDefault(EgressRule... rules) {
        return new NetworkPolicy(EgressAction.DENY, List.of(rules));
    }

    /**
     * A policy that allows everything but the given rules' denied targets.
     *
     * @param rules the rules
     * @return the policy
     */
    public static NetworkPolicy allowByDefault(EgressRule... rules) {
        return new NetworkPolicy(EgressAction.ALLOW, List.of(rules));
    }
}
