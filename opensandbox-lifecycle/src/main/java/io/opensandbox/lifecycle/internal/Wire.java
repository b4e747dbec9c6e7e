package io.opensandbox.lifecycle.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The lifecycle API's JSON bodies, field for field as in {@code sandbox-lifecycle.yml} (camelCase). */
public final class Wire {
    private Wire() {}

    /** {@code CreateSandboxRequest}; {@code timeout} is always sent, {@code null} meaning no expiry. */
    public record CreateSandboxRequest(
            @Nullable ImageSpec image,
            @Nullable String snapshotId,
            @Nullable PlatformSpec platform,

            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable
            Long timeout,

            @Nullable Map<String, String> resourceLimits,
            @Nullable Map<String, String> env,
            @Nullable Map<String, String> metadata,
            @Nullable List<String> entrypoint,
            @Nullable NetworkPolicy networkPolicy,
            @Nullable CredentialProxy credentialProxy,
            @Nullable Boolean secureAccess,
            @Nullable List<Volume> volumes,
            @Nullable Map<String, String> extensions) {}

    /** {@code ImageSpec}. */
    public record ImageSpec(String uri, @Nullable ImageAuth auth) {}

    /** Registry credentials of an {@code ImageSpec}; the password never appears in {@code toString()}. */
    public record ImageAuth(String username, String password) {
        @Override
        public String toString() {
            return "ImageAuth[username=" + username + ", password=***]";
        }
    }

    /** {@code PlatformSpec}. */
    public record PlatformSpec(String os, String arch) {}

    /** {@code NetworkPolicy}. */
    public record NetworkPolicy(
            @Nullable String defaultAction, @Nullable List<NetworkRule> egress) {}

    /** {@code NetworkRule}. */
    public record NetworkRule(String action, String target) {}

    /** {@code CredentialProxyConfig}. */
    public record CredentialProxy(boolean enabled) {}

    /** {@code Volume}: exactly one of host, pvc, ossfs. */
    public record Volume(
            String name,
            String mountPath,
            @Nullable Boolean readOnly,
            @Nullable String subPath,
            @Nullable Host host,
            @Nullable Pvc pvc,
            @Nullable Ossfs ossfs) {}

    /** {@code Host}. */
    public record Host(String path) {}

    /** {@code PVC}. */
    public record Pvc(
            String claimName,
            @Nullable Boolean createIfNotExists,
            @Nullable Boolean deleteOnSandboxTermination,
            @Nullable String storageClass,
            @Nullable String storage,
            @Nullable List<String> accessModes) {}

    /** {@code OSSFS}; the access key secret never appears in {@code toString()}. */
    public record Ossfs(
            String bucket,
            String endpoint,
            @Nullable String version,
            @Nullable List<String> options,
            String accessKeyId,
            String accessKeySecret) {
        @Override
        public String toString() {
            return "Ossfs[bucket=" + bucket + ", endpoint=" + endpoint + ", version=" + version + ", options=" + options
                    + ", accessKeyId=" + accessKeyId + ", accessKeySecret=***]";
        }
    }

    /** {@code Sandbox} and {@code CreateSandboxResponse}. */
    public record Sandbox(
            @Nullable String id,
            @Nullable ImageSpec image,
            @Nullable String snapshotId,
            @Nullable PlatformSpec platform,
            @Nullable Status status,
            @Nullable Map<String, String> metadata,
            @Nullable List<String> entrypoint,
            @Nullable String expiresAt,
            @Nullable String createdAt) {}

    /** {@code SandboxStatus} and {@code SnapshotStatus}. */
    public record Status(
            @Nullable String state,
            @Nullable String reason,
            @Nullable String message,
            @Nullable String lastTransitionAt) {}

    /** {@code ListSandboxesResponse}. */
    public record SandboxList(
            @Nullable List<Sandbox> items, @Nullable Pagination pagination) {}

    /** {@code ListSnapshotsResponse}. */
    public record SnapshotList(
            @Nullable List<Snapshot> items, @Nullable Pagination pagination) {}

    /** {@code PaginationInfo}. */
    public record Pagination(int page, int pageSize, long totalItems, int totalPages, boolean hasNextPage) {}

    /** {@code Endpoint}. */
    public record Endpoint(
            @Nullable String endpoint, @Nullable Map<String, String> headers) {}

    /** {@code RenewSandboxExpirationRequest} and its response. */
    public record Renewal(@Nullable String expiresAt) {}

    /** {@code CreateSnapshotRequest}. */
    public record CreateSnapshotRequest(@Nullable String name) {}

    /** {@code Snapshot}. */
    public record Snapshot(
            @Nullable String id,
            @Nullable String sandboxId,
            @Nullable String name,
            @Nullable Status status,
            @Nullable String createdAt) {}

    /** {@code DiagnosticContentResponse}. */
    public record Diagnostic(
            @Nullable String sandboxId,
            @Nullable String kind,
            @Nullable String scope,
            @Nullable String delivery,
            @Nullable String contentType,
            @Nullable String content,
            @Nullable String contentUrl,
            @Nullable Long contentLength,
            @Nullable String expiresAt,
            boolean truncated,
            @Nullable List<String> warnings) {}
}
