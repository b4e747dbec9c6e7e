package io.opensandbox.lifecycle;

import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.internal.Json;
import io.opensandbox.lifecycle.internal.Wire;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Wire bodies to public types; tolerant of missing optional fields, strict on missing ids. */
final class Convert {
    private Convert() {}

    static SandboxInfo sandbox(Wire.Sandbox wire) {
        String id = wire.id();
        if (id == null || id.isBlank()) {
            throw new SandboxException(SandboxError.UNEXPECTED_RESPONSE, "the server sent a sandbox without an id");
        }
        Wire.PlatformSpec platform = wire.platform();
        Wire.ImageSpec image = wire.image();
        Map<String, String> metadata = wire.metadata();
        List<String> entrypoint = wire.entrypoint();
        return new SandboxInfo(
                id,
                image == null ? null : image.uri(),
                wire.snapshotId(),
                platform == null || platform.os() == null || platform.arch() == null
                        ? null
                        : new Platform(platform.os(), platform.arch()),
                status(wire.status()),
                metadata == null ? Map.of() : metadata,
                entrypoint == null ? List.of() : entrypoint,
                Json.instant(wire.expiresAt()),
                Json.instant(wire.createdAt()));
    }

    static SandboxStatus status(Wire.@Nullable Status status) {
        if (status == null) {
            return new SandboxStatus("Unknown", null, null, null);
        }
        String state = status.state();
        return new SandboxStatus(
                state == null ? "Unknown" : state,
                status.reason(),
                status.message(),
                Json.instant(status.lastTransitionAt()));
    }

    static SnapshotInfo snapshot(Wire.Snapshot wire) {
        String id = wire.id();
        if (id == null || id.isBlank()) {
            throw new SandboxException(SandboxError.UNEXPECTED_RESPONSE, "the server sent a snapshot without an id");
        }
        Wire.Status status = wire.status();
        String state = status == null || status.state() == null ? "Unknown" : status.state();
        String sandboxId = wire.sandboxId();
        return new SnapshotInfo(
                id,
                sandboxId == null ? "" : sandboxId,
                wire.name(),
                state,
                status == null ? null : status.reason(),
                status == null ? null : status.message(),
                Json.instant(wire.createdAt()));
    }

    static Pagination pagination(Wire.@Nullable Pagination wire, int page, int pageSize) {
        if (wire == null) {
            return new Pagination(page, pageSize, 0, 0, false);
        }
        return new Pagination(wire.page(), wire.pageSize(), wire.totalItems(), wire.totalPages(), wire.hasNextPage());
    }

    static DiagnosticContent diagnostic(Wire.Diagnostic wire) {
        Long length = wire.contentLength();
        List<String> warnings = wire.warnings();
        return new DiagnosticContent(
                orEmpty(wire.sandboxId()),
                orEmpty(wire.kind()),
                orEmpty(wire.scope()),
                orEmpty(wire.delivery()),
                orEmpty(wire.contentType()),
                wire.truncated(),
                warnings == null ? List.of() : warnings,
                wire.content(),
                wire.contentUrl(),
                length == null ? -1 : length,
                Json.instant(wire.expiresAt()));
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }
}
