package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Egress sidecar state of one sandbox: the network policy and the credential vault. Guarded by {@code this}. */
final class EgressState {
    /** A rule {action, target}. */
    record Rule(String action, String target) {}

    /** A vault credential; the secret value is stored but never rendered nor logged. */
    static final class Credential {
        final String name;
        final String sourceType;
        final String secret;
        final long revision;

        Credential(String name, String sourceType, String secret, long revision) {
            this.name = name;
            this.sourceType = sourceType;
            this.secret = secret;
            this.revision = revision;
        }

        @Override
        public String toString() {
            return "Credential[" + name + ", value=***]";
        }
    }

    /** A vault binding, kept as the (validated) JSON of match and auth. */
    record Binding(
            String name,
            long revision,
            @Nullable ObjectNode match,
            @Nullable ObjectNode auth) {}

    String defaultAction;
    final List<Rule> rules = new ArrayList<>();
    /** Whether the sandbox was created with {@code credentialProxy.enabled} and a network policy. */
    boolean credentialProxy;

    boolean vaultExists;
    long vaultRevision;
    final Map<String, Credential> credentials = new LinkedHashMap<>();
    final Map<String, Binding> bindings = new LinkedHashMap<>();

    EgressState(String defaultAction, List<Rule> rules) {
        this.defaultAction = defaultAction;
        this.rules.addAll(rules);
    }

    synchronized boolean denyByDefault() {
        return "deny".equals(defaultAction);
    }
}
