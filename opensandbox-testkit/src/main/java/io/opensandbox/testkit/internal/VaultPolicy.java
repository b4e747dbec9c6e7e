package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the egress sidecar demands of credential bindings against the network policy ({@code
 * components/egress/pkg/credentialvault/vault.go validateCandidate}): every host of a binding is covered by an
 * explicit allow rule and allowed by the policy, and every port is one the transparent proxy intercepts.
 */
final class VaultPolicy {
    /** The ports the sidecar's transparent proxy intercepts by default. */
    private static final Set<Integer> INTERCEPT_PORTS = Set.of(80, 443);

    private VaultPolicy() {}

    /**
     * Checks the bindings against a policy.
     *
     * @return null when they fit, else the sidecar's message
     */
    static @Nullable String violation(
            Collection<EgressState.Binding> bindings, String defaultAction, List<EgressState.Rule> rules) {
        if (!bindings.isEmpty() && rules.isEmpty()) {
            return "credential bindings require explicit networkPolicy.egress allow rules";
        }
        for (EgressState.Binding b : bindings) {
            JsonNode match = b.match();
            if (match == null) {
                continue;
            }
            for (JsonNode port : match.path("ports")) {
                if (!INTERCEPT_PORTS.contains(port.asInt())) {
                    return "binding \"" + b.name() + "\" port " + port.asInt()
                            + " is not a configured transparent intercept port";
                }
            }
            for (JsonNode h : match.path("hosts")) {
                String host = normalize(h.asText());
                String probe = host.startsWith("*.") ? "probe." + host.substring(2) : host;
                if (!explicitAllow(rules, host)
                        || !evaluate(rules, defaultAction, probe).equals("allow")) {
                    return "binding \"" + b.name() + "\" host \"" + h.asText()
                            + "\" is not covered by an explicit allow egress rule";
                }
            }
        }
        return null;
    }

    private static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean explicitAllow(List<EgressState.Rule> rules, String host) {
        for (EgressState.Rule r : rules) {
            if (!r.action().equals("allow")) {
                continue;
            }
            String target = normalize(r.target());
            if (target.equals(host) || (target.startsWith("*.") && matchesWildcard(host, target))) {
                return true;
            }
        }
        return false;
    }

    /** The policy's verdict for a domain: an exact rule first, then a wildcard one, then the default. */
    private static String evaluate(List<EgressState.Rule> rules, String defaultAction, String domain) {
        for (EgressState.Rule r : rules) {
            if (normalize(r.target()).equals(domain)) {
                return r.action();
            }
        }
        for (EgressState.Rule r : rules) {
            String target = normalize(r.target());
            if (target.startsWith("*.") && matchesWildcard(domain, target)) {
                return r.action();
            }
        }
        return defaultAction;
    }

    private static boolean matchesWildcard(String host, String wildcard) {
        String suffix = wildcard.substring(1); // ".example.com"
        String h = host.startsWith("*.") ? host.substring(1) : host;
        return h.endsWith(suffix) && h.length() > suffix.length();
    }
}
