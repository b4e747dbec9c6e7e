package io.opensandbox.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.opensandbox.api.EgressAction;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.Json;
import io.opensandbox.network.internal.Wire;
import java.util.Arrays;
import java.util.List;

/**
 * The runtime egress policy of one sandbox, read and changed through its egress sidecar. Thread-safe; cheap to
 * create; holds no resources of its own.
 *
 * <pre>{@code
 * Egress egress = Egress.of(sandbox);
 * egress.patchEgressRules(EgressRule.allow("pypi.org"), EgressRule.deny("*.example.com"));
 * NetworkPolicy policy = egress.getEgressPolicy().policy().orElseThrow();
 * }</pre>
 */
public final class Egress {
    private static final String POLICY = "/policy";
    private static final String NO_POLICY_API = "the egress endpoint does not serve /policy; the sandbox may have"
            + " been created without a networkPolicy (and so without an egress sidecar), or its sidecar is too old"
            + " for this call.";

    private final Sidecar sidecar;

    private Egress(SandboxHandle handle) {
        this.sidecar = new Sidecar(handle);
    }

    /**
     * The egress policy of a sandbox. The egress endpoint is resolved on the first call, not here.
     *
     * @param handle the sandbox, for example a {@code Sandbox}
     * @return the egress policy client
     */
    public static Egress of(SandboxHandle handle) {
        return new Egress(handle);
    }

    /**
     * Reads the policy in force and the sidecar's status ({@code GET /policy}).
     *
     * @return the status with the policy
     * @throws SandboxException if the call fails
     */
    public EgressPolicyStatus getEgressPolicy() {
        return sidecar.call(
                "egress.getPolicy",
                SidecarErrors.Hints.of("reading the egress policy").notFound(NO_POLICY_API),
                client -> Convert.status(client.call("GET", POLICY).as(Wire.PolicyStatus.class)));
    }

    /**
     * Merges rules into the policy in force ({@code PATCH /policy}): existing rules stay unless an incoming rule has
     * the same target; incoming rules take priority (rules are evaluated in order, and the sidecar puts incoming rules
     * before the existing ones); of several incoming rules with one target the first wins; the default action is
     * kept.
     *
     * @param rules the rules, at least one, none with action {@link EgressAction#UNKNOWN}
     * @return the sidecar's status after the change
     * @throws InvalidArgumentException if the list is empty or a rule cannot be sent
     * @throws EgressLimitExceededException if the policy would hold more rules than the sidecar allows
     * @throws SandboxException if the call fails
     */
    public EgressPolicyStatus patchEgressRules(List<EgressRule> rules) {
        List<EgressRule> checked = Checks.nonEmpty("egress rules to patch", rules);
        List<Wire.NetworkRule> body = checked.stream()
                .map(rule -> {
                    if (rule.action() == EgressAction.UNKNOWN) {
                        throw new InvalidArgumentException(
                                "egress rule for '" + rule.target() + "' has action UNKNOWN; use ALLOW or DENY", null);
                    }
                    return Convert.rule(rule);
                })
                .toList();
        SidecarErrors.Hints hints = SidecarErrors.Hints.of("patching egress rules")
                .notFound(NO_POLICY_API)
                .limit("the policy would hold more egress rules than the sidecar allows; delete rules with"
                        + " deleteEgressRules(...) or merge targets into wildcard domains.");
        return sidecar.call(
                "egress.patchRules",
                hints,
                client -> lenientStatus(client.call("PATCH", POLICY).json(body).execute()));
    }

    /**
     * Merges rules into the policy in force; see {@link #patchEgressRules(List)}.
     *
     * @param rules the rules, at least one
     * @return the sidecar's status after the change
     */
    public EgressPolicyStatus patchEgressRules(EgressRule... rules) {
        return patchEgressRules(Arrays.asList(rules));
    }

    /**
     * Removes the rules for targets from the policy in force ({@code DELETE /policy} with a JSON array body).
     * Targets without a rule are ignored.
     *
     * @param targets the targets (domains or wildcard domains), at least one
     * @return the sidecar's status after the change
     * @throws InvalidArgumentException if the list is empty or a target blank
     * @throws SandboxException if the call fails
     */
    public EgressPolicyStatus deleteEgressRules(List<String> targets) {
        List<String> checked = Checks.nonEmpty("egress targets to delete", targets);
        for (String target : checked) {
            if (target.isBlank()) {
                throw new InvalidArgumentException("egress target to delete must not be blank", null);
            }
        }
        return sidecar.call(
                "egress.deleteRules",
                SidecarErrors.Hints.of("deleting egress rules").notFound(NO_POLICY_API),
                client -> lenientStatus(
                        client.call("DELETE", POLICY).json(checked).execute()));
    }

    /**
     * Removes the rules for targets; see {@link #deleteEgressRules(List)}.
     *
     * @param targets the targets, at least one
     * @return the sidecar's status after the change
     */
    public EgressPolicyStatus deleteEgressRules(String... targets) {
        return deleteEgressRules(Arrays.asList(targets));
    }

    /**
     * The status after a change. The change is applied once the sidecar answered 2xx, so a body that is empty or not
     * a JSON object does not fail the call; it gives a status with nothing set.
     */
    private static EgressPolicyStatus lenientStatus(ApiClient.Response response) {
        JsonNode tree = Json.tryTree(response.body());
        if (tree == null || !tree.isObject()) {
            return Convert.status(new Wire.PolicyStatus(null, null, null, null, null));
        }
        return Convert.status(Json.read(response.body(), Wire.PolicyStatus.class));
    }

    @Override
    public String toString() {
        return "Egress{sandbox=" + sidecar.handle().id() + "}";
    }
}
