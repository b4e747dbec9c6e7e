package io.opensandbox.lifecycle;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.Json;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.lifecycle.internal.Wire;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Every call of the lifecycle and diagnostics APIs, shared by {@link Sandbox} and {@link SandboxManager}. */
final class LifecycleCalls {
    static final String RESERVED_PREFIX = "opensandbox.io/";

    private final ApiClient client;
    private final ConnectionConfig config;

    LifecycleCalls(Transports.Lease lease, ConnectionConfig config) {
        this.config = config;
        Map<String, String> auth = new LinkedHashMap<>();
        config.apiKey().ifPresent(key -> auth.put(ConnectionConfig.API_KEY_HEADER, key));
        this.client = new ApiClient(lease, config, config.lifecycleBaseUrl(), auth);
    }

    ConnectionConfig config() {
        return config;
    }

    static String id(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new InvalidArgumentException(what + " must not be blank", null);
        }
        if (id.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw new InvalidArgumentException(what + " must not contain control characters", null);
        }
        String stripped = id.strip();
        if (stripped.equals(".") || stripped.equals("..")) {
            // sent as a path segment, a proxy that removes dot segments would turn DELETE /sandboxes/.. into
            // DELETE /v1/: another resource
            throw new InvalidArgumentException(what + " must not be '" + stripped + "'", null);
        }
        return stripped;
    }

    private static String sandboxPath(String id) {
        return "/sandboxes/" + Urls.segment(id(id, "sandbox id"));
    }

    private <T> CompletableFuture<T> json(ApiClient.Call call, Class<T> type) {
        return call.send().thenApply(response -> Json.read(response.body(), type));
    }

    CompletableFuture<SandboxInfo> createAsync(Wire.CreateSandboxRequest request) {
        return json(client.call("POST", "/sandboxes").json(request), Wire.Sandbox.class)
                .thenApply(Convert::sandbox);
    }

    SandboxInfo get(String id) {
        return Convert.sandbox(client.call("GET", sandboxPath(id)).as(Wire.Sandbox.class));
    }

    CompletableFuture<SandboxInfo> getAsync(String id) {
        return json(client.call("GET", sandboxPath(id)), Wire.Sandbox.class).thenApply(Convert::sandbox);
    }

    void kill(String id) {
        client.call("DELETE", sandboxPath(id)).execute();
    }

    CompletableFuture<Void> killAsync(String id) {
        return client.call("DELETE", sandboxPath(id)).send().thenApply(response -> null);
    }

    void pause(String id) {
        client.call("POST", sandboxPath(id) + "/pause").execute();
    }

    CompletableFuture<Void> resumeAsync(String id) {
        return client.call("POST", sandboxPath(id) + "/resume").send().thenApply(response -> null);
    }

    Instant renew(String id, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidArgumentException("renew needs a positive duration, not " + timeout, null);
        }
        if (timeout.compareTo(Duration.ofDays(3650)) > 0) {
            throw new InvalidArgumentException("renew duration " + timeout + " is absurdly long", null);
        }
        Instant expiresAt = Instant.now().plus(timeout).truncatedTo(ChronoUnit.MILLIS);
        Wire.Renewal response = client.call("POST", sandboxPath(id) + "/renew-expiration")
                .json(new Wire.Renewal(expiresAt.toString()))
                .as(Wire.Renewal.class);
        Instant confirmed = Json.instant(response.expiresAt());
        return confirmed != null ? confirmed : expiresAt;
    }

    SandboxInfo patchMetadata(String id, Map<String, @Nullable String> patch) {
        Objects.requireNonNull(patch, "patch");
        patch.keySet().forEach(LifecycleCalls::checkMetadataKey);
        Map<String, @Nullable String> body = new LinkedHashMap<>(patch);
        return Convert.sandbox(client.call("PATCH", sandboxPath(id) + "/metadata")
                .body(RequestBody.ofBytes(Json.writeWithNulls(body), "application/json"))
                .as(Wire.Sandbox.class));
    }

    static void checkMetadataKey(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidArgumentException("metadata keys must not be blank", null);
        }
        if (key.startsWith(RESERVED_PREFIX)) {
            throw new InvalidArgumentException(
                    "metadata key '" + key + "' uses the reserved prefix " + RESERVED_PREFIX, null);
        }
    }

    CompletableFuture<Endpoint> endpointAsync(String id, int port, boolean useServerProxy, @Nullable Long expires) {
        checkPort(port);
        Urls.Query query = Urls.query();
        if (expires != null) {
            query.add("expires", expires);
        } else {
            query.add("use_server_proxy", useServerProxy);
        }
        return json(client.call("GET", sandboxPath(id) + "/endpoints/" + port + query), Wire.Endpoint.class)
                .thenApply(endpoint -> {
                    String address = endpoint.endpoint();
                    if (address == null || address.isBlank()) {
                        throw new SandboxException(
                                SandboxError.UNEXPECTED_RESPONSE,
                                "the server returned no endpoint address for port " + port + " of sandbox " + id);
                    }
                    Map<String, String> headers = endpoint.headers();
                    return Endpoint.of(address, headers == null ? Map.of() : headers);
                });
    }

    static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidArgumentException("port must be between 1 and 65535, not " + port, null);
        }
    }

    Page<SandboxInfo> list(SandboxFilter filter) {
        Objects.requireNonNull(filter, "filter");
        Urls.Query query = Urls.query();
        query.addAll(
                "state", filter.states().stream().map(SandboxState::wireValue).collect(Collectors.toList()));
        if (!filter.metadata().isEmpty()) {
            // One parameter whose value is a form-encoded k=v&k2=v2 list, encoded again as a whole: the server
            // form-decodes it after the URL decoding, so '&', '=', '+' and '%' in keys and values survive.
            String pairs = filter.metadata().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> form(e.getKey()) + "=" + form(e.getValue()))
                    .collect(Collectors.joining("&"));
            query.add("metadata", pairs);
        }
        query.add("page", filter.page()).add("pageSize", filter.pageSize());
        Wire.SandboxList page = client.call("GET", "/sandboxes" + query).as(Wire.SandboxList.class);
        List<SandboxInfo> items = new ArrayList<>();
        if (page.items() != null) {
            page.items().forEach(item -> items.add(Convert.sandbox(item)));
        }
        return new Page<>(items, Convert.pagination(page.pagination(), filter.page(), filter.pageSize()));
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    SnapshotInfo createSnapshot(String id, @Nullable String name) {
        if (name != null && name.isBlank()) {
            throw new InvalidArgumentException("a snapshot name must not be blank; pass null for none", null);
        }
        ApiClient.Call call = client.call("POST", sandboxPath(id) + "/snapshots");
        if (name != null) {
            call.json(new Wire.CreateSnapshotRequest(name));
        }
        return Convert.snapshot(call.as(Wire.Snapshot.class));
    }

    SnapshotInfo getSnapshot(String snapshotId) {
        String path = "/snapshots/" + Urls.segment(id(snapshotId, "snapshot id"));
        return Convert.snapshot(client.call("GET", path).as(Wire.Snapshot.class));
    }

    Page<SnapshotInfo> listSnapshots(SnapshotFilter filter) {
        Objects.requireNonNull(filter, "filter");
        Urls.Query query = Urls.query()
                .add("sandboxId", filter.sandboxId())
                .addAll(
                        "state",
                        filter.states().stream().map(SnapshotState::wireValue).collect(Collectors.toList()))
                .add("page", filter.page())
                .add("pageSize", filter.pageSize());
        Wire.SnapshotList page = client.call("GET", "/snapshots" + query).as(Wire.SnapshotList.class);
        List<SnapshotInfo> items = new ArrayList<>();
        if (page.items() != null) {
            page.items().forEach(item -> items.add(Convert.snapshot(item)));
        }
        return new Page<>(items, Convert.pagination(page.pagination(), filter.page(), filter.pageSize()));
    }

    void deleteSnapshot(String snapshotId) {
        client.call("DELETE", "/snapshots/" + Urls.segment(id(snapshotId, "snapshot id")))
                .execute();
    }

    DiagnosticContent diagnostics(String id, String kind, String scope) {
        if (scope == null || scope.isBlank()) {
            throw new InvalidArgumentException(
                    "a diagnostics scope is required: container, lifecycle, runtime, network, process or all", null);
        }
        String path = sandboxPath(id) + "/diagnostics/" + kind + Urls.query().add("scope", scope.strip());
        return Convert.diagnostic(client.call("GET", path).as(Wire.Diagnostic.class));
    }
}
