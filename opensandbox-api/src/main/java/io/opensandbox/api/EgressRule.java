package io.opensandbox.api;

import java.util.Objects;

/**
 * One egress rule: allow or deny traffic to a target (a domain such as {@code pypi.org}, a wildcard domain such
 * as {@code *.example.com}, an IP address or a CIDR range).
 *
 * @param action allow or deny
 * @param target the destination the rule matches
 */
public record EgressRule(EgressAction action, String target) {

    /**
     * Checks the components.
     *
     * @param action allow or deny
     * @param target the destination the rule matches
     */
    public EgressRule {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        if (target.isBlank() || target.chars().anyMatch(c -> c <= ' ')) {
            throw new InvalidArgumentException(
                    "egress target must be a non-blank host, IP or CIDR: '" + target + "'", null);
        }
    }

    /**
     * A rule that allows a target.
     *
     * @param target the destination
     * @return the rule
     */
    public static EgressRule allow(String target) {
        return new EgressRule(EgressAction.ALLOW, target);
    }

    /**
     * A rule that denies a target.
     *
     * @param target the destination
     * @return the rule
     */
    public static EgressRule deny(String target) {
        return new EgressRule(EgressAction.DENY, target);
    }
}
