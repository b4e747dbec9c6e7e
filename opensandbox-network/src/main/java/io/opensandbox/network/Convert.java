package io.opensandbox.network;

import io.opensandbox.api.EgressAction;
import io.opensandbox.api.EgressRule;
import io.opensandbox.api.NetworkPolicy;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.network.internal.Wire;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Public types to wire records and back. */
final class Convert {
    private Convert() {}

    // ---- requests

    static Wire.NetworkRule rule(EgressRule rule) {
        return new Wire.NetworkRule(rule.action().wireValue(), rule.target());
    }

    static Wire.Credential credential(Credential credential) {
        return new Wire.Credential(
                credential.name(), new Wire.InlineSource(Wire.InlineSource.INLINE, credential.value()));
    }

    static Wire.CredentialBinding binding(CredentialBinding binding) {
        return new Wire.CredentialBinding(binding.name(), match(binding.match()), auth(binding.auth()));
    }

    static Wire.CredentialMatch match(CredentialMatch match) {
        return new Wire.CredentialMatch(
                match.schemes().orElse(null),
                match.ports().orElse(null),
                match.hosts(),
                match.methods().orElse(null),
                match.paths().orElse(null));
    }

    static Object auth(CredentialAuth auth) {
        String type = auth.type().wireValue();
        if (auth instanceof CredentialAuth.Bearer bearer) {
            return new Wire.BearerAuth(type, bearer.credential());
        }
        if (auth instanceof CredentialAuth.Basic basic) {
            return new Wire.BasicAuth(type, basic.credential());
        }
        if (auth instanceof CredentialAuth.ApiKey apiKey) {
            return new Wire.ApiKeyAuth(type, apiKey.header(), apiKey.credential());
        }
        CredentialAuth.CustomHeaders custom = (CredentialAuth.CustomHeaders) auth;
        return new Wire.CustomHeadersAuth(
                type,
                custom.headers().stream()
                        .map(h -> new Wire.CustomHeader(h.name(), h.credential()))
                        .toList());
    }

    static Wire.CreateRequest create(List<Credential> credentials, List<CredentialBinding> bindings) {
        return new Wire.CreateRequest(
                credentials.stream().map(Convert::credential).toList(),
                bindings.stream().map(Convert::binding).toList());
    }

    static Wire.MutationRequest patch(CredentialVaultPatch patch) {
        Long revision =
                patch.expectedRevision().isPresent() ? patch.expectedRevision().getAsLong() : null;
        return new Wire.MutationRequest(
                revision,
                mutations(
                        patch.addCredentials(),
                        patch.replaceCredentials(),
                        patch.deleteCredentials(),
                        Convert::credential,
                        Wire.CredentialMutations::new),
                mutations(
                        patch.addBindings(),
                        patch.replaceBindings(),
                        patch.deleteBindings(),
                        Convert::binding,
                        Wire.BindingMutations::new));
    }

    /** A wire mutation set of {add, replace, delete}, without empty lists; {@code null} when all are empty. */
    private static <T, W, M> @Nullable M mutations(
            List<T> add, List<T> replace, List<String> delete, Function<T, W> convert, MutationSet<W, M> wire) {
        if (add.isEmpty() && replace.isEmpty() && delete.isEmpty()) {
            return null;
        }
        return wire.of(
                orNull(add.stream().map(convert).toList()),
                orNull(replace.stream().map(convert).toList()),
                orNull(delete));
    }

    /** The constructor of a wire mutation set. */
    @FunctionalInterface
    private interface MutationSet<W, M> {
        M of(@Nullable List<W> add, @Nullable List<W> replace, @Nullable List<String> delete);
    }

    /** The secret values a patch sends, for scrubbing error messages. */
    static List<String> secrets(Collection<Credential> credentials) {
        return credentials.stream().map(Credential::value).toList();
    }

    private static <T> @Nullable List<T> orNull(List<T> values) {
        return values.isEmpty() ? null : values;
    }

    // ---- responses

    static EgressPolicyStatus status(Wire.PolicyStatus wire) {
        Wire.NetworkPolicy policy = wire.policy();
        if (policy == null) {
            return new EgressPolicyStatus(
                    wire.status(), wire.mode(), wire.enforcementMode(), wire.reason(), null, null, List.of());
        }
        List<EgressRule> rules = new ArrayList<>();
        List<String> rawActions = new ArrayList<>();
        List<Wire.NetworkRule> egress = policy.egress();
        if (egress != null) {
            for (Wire.NetworkRule rule : egress) {
                if (rule == null) {
                    continue;
                }
                String target = rule.target();
                if (target == null || target.isBlank() || target.chars().anyMatch(c -> c <= ' ')) {
                    throw unexpected("the egress sidecar sent a rule without a valid target: '" + target + "'");
                }
                String action = rule.action();
                rules.add(new EgressRule(EgressAction.fromWire(action), target));
                rawActions.add(action == null ? "" : action);
            }
        }
        String defaultAction = policy.defaultAction();
        EgressAction resolved = defaultAction == null ? EgressAction.DENY : EgressAction.fromWire(defaultAction);
        return new EgressPolicyStatus(
                wire.status(),
                wire.mode(),
                wire.enforcementMode(),
                wire.reason(),
                new NetworkPolicy(resolved, rules),
                defaultAction,
                rawActions);
    }

    static CredentialVaultState state(Wire.VaultState wire) {
        return new CredentialVaultState(
                revision(wire.revision(), "Credential Vault state"),
                credentials(wire.credentials()),
                bindings(wire.bindings()));
    }

    static RevisionedList<CredentialMetadata> credentials(Wire.CredentialList wire) {
        return new RevisionedList<>(revision(wire.revision(), "credential list"), credentials(wire.credentials()));
    }

    static RevisionedList<CredentialBindingMetadata> bindings(Wire.BindingList wire) {
        return new RevisionedList<>(revision(wire.revision(), "binding list"), bindings(wire.bindings()));
    }

    static CredentialMetadata credential(Wire.CredentialMetadata wire) {
        String name = wire.name();
        if (name == null) {
            throw unexpected("the egress sidecar sent credential metadata without a name");
        }
        String sourceType = wire.sourceType();
        return new CredentialMetadata(
                name, sourceType == null ? "" : sourceType, revision(wire.revision(), "credential '" + name + "'"));
    }

    static CredentialBindingMetadata binding(Wire.BindingMetadata wire) {
        String name = wire.name();
        if (name == null) {
            throw unexpected("the egress sidecar sent binding metadata without a name");
        }
        Wire.CredentialMatch match = wire.match();
        Wire.AuthMetadata auth = wire.auth();
        String authType = auth == null ? null : auth.type();
        return new CredentialBindingMetadata(
                name,
                revision(wire.revision(), "binding '" + name + "'"),
                match == null
                        ? null
                        : CredentialMatch.fromServer(
                                match.hosts(), match.schemes(), match.ports(), match.methods(), match.paths()),
                auth == null ? null : new CredentialAuthMetadata(authType == null ? "" : authType, auth.name()));
    }

    private static List<CredentialMetadata> credentials(@Nullable List<Wire.CredentialMetadata> wire) {
        return items(wire, Convert::credential);
    }

    private static List<CredentialBindingMetadata> bindings(@Nullable List<Wire.BindingMetadata> wire) {
        return items(wire, Convert::binding);
    }

    /** Converts the items of a list the sidecar sent, skipping {@code null} items; no list reads as empty. */
    private static <W, T> List<T> items(@Nullable List<W> wire, Function<W, T> convert) {
        List<T> out = new ArrayList<>();
        if (wire != null) {
            for (W item : wire) {
                if (item != null) {
                    out.add(convert.apply(item));
                }
            }
        }
        return out;
    }

    private static long revision(@Nullable Long revision, String what) {
        if (revision == null) {
            throw unexpected("the egress sidecar sent a " + what + " without a revision");
        }
        return revision;
    }

    private static SandboxException unexpected(String message) {
        return new SandboxException(new SandboxError(SandboxError.UNEXPECTED_RESPONSE, message), null, null);
    }
}
