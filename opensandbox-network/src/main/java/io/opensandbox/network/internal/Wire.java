package io.opensandbox.network.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The egress sidecar's JSON bodies, field for field as in {@code egress-api.yaml} (camelCase). The sidecar decodes
 * Credential Vault writes with {@code DisallowUnknownFields}: request records carry exactly the spec's fields, and
 * {@code null} components are omitted by the shared mapper. Records that may hold a credential value print it as
 * {@code <redacted>}.
 */
public final class Wire {
    private Wire() {}

    /** {@code NetworkRule}; both fields are set in requests, either may be missing in responses. */
    public record NetworkRule(
            @Nullable String action, @Nullable String target) {}

    /** {@code NetworkPolicy} as the sidecar reports it. */
    public record NetworkPolicy(
            @Nullable String defaultAction, @Nullable List<NetworkRule> egress) {}

    /** {@code PolicyStatusResponse}. */
    public record PolicyStatus(
            @Nullable String status,
            @Nullable String mode,
            @Nullable String enforcementMode,
            @Nullable String reason,
            @Nullable NetworkPolicy policy) {}

    /** {@code CredentialVaultCreateRequest}: both lists always sent, possibly empty. */
    public record CreateRequest(List<Credential> credentials, List<CredentialBinding> bindings) {}

    /** {@code Credential}. */
    public record Credential(String name, InlineSource source) {}

    /** {@code InlineCredentialSource}: the only place a credential value lives on its way to the wire. */
    public record InlineSource(String type, String value) {
        /** The source type the spec defines. */
        public static final String INLINE = "inline";

        @Override
        public String toString() {
            return "InlineSource[type=" + type + ", value=<redacted>]";
        }
    }

    /** {@code CredentialBinding}. */
    public record CredentialBinding(String name, CredentialMatch match, Object auth) {}

    /** {@code CredentialMatch}; unset lists are omitted so the sidecar applies its defaults. */
    public record CredentialMatch(
            @Nullable List<String> schemes,
            @Nullable List<Integer> ports,
            @Nullable List<String> hosts,
            @Nullable List<String> methods,
            @Nullable List<String> paths) {}

    /** {@code BearerCredentialAuth}. */
    public record BearerAuth(String type, String credential) {}

    /** {@code BasicCredentialAuth}. */
    public record BasicAuth(String type, String credential) {}

    /** {@code ApiKeyCredentialAuth}. */
    public record ApiKeyAuth(String type, String name, String credential) {}

    /** {@code CustomHeadersCredentialAuth}. */
    public record CustomHeadersAuth(String type, List<CustomHeader> headers) {}

    /** {@code CustomHeaderEntry}. */
    public record CustomHeader(String name, String credential) {}

    /** {@code CredentialVaultMutationRequest}; absent parts are omitted. */
    public record MutationRequest(
            @Nullable Long expectedRevision,
            @Nullable CredentialMutations credentials,
            @Nullable BindingMutations bindings) {}

    /** {@code CredentialMutationSet}; empty operations are omitted. */
    public record CredentialMutations(
            @Nullable List<Credential> add,
            @Nullable List<Credential> replace,
            @Nullable List<String> delete) {}

    /** {@code CredentialBindingMutationSet}; empty operations are omitted. */
    public record BindingMutations(
            @Nullable List<CredentialBinding> add,
            @Nullable List<CredentialBinding> replace,
            @Nullable List<String> delete) {}

    /** {@code CredentialVaultState}. */
    public record VaultState(
            @Nullable Long revision,
            @Nullable List<CredentialMetadata> credentials,
            @Nullable List<BindingMetadata> bindings) {}

    /** {@code CredentialListResponse}. */
    public record CredentialList(
            @Nullable Long revision, @Nullable List<CredentialMetadata> credentials) {}

    /** {@code CredentialBindingListResponse}. */
    public record BindingList(
            @Nullable Long revision, @Nullable List<BindingMetadata> bindings) {}

    /** {@code CredentialMetadata}. */
    public record CredentialMetadata(
            @Nullable String name,
            @Nullable String sourceType,
            @Nullable Long revision) {}

    /** {@code CredentialBindingMetadata}. */
    public record BindingMetadata(
            @Nullable String name,
            @Nullable Long revision,
            @Nullable CredentialMatch match,
            @Nullable AuthMetadata auth) {}

    /** {@code CredentialAuthMetadata}. */
    public record AuthMetadata(
            @Nullable String type, @Nullable String name) {}
}
