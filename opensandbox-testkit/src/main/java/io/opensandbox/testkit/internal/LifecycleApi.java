package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/** The lifecycle API ({@code sandbox-lifecycle.yml}) and the diagnostics API ({@code diagnostic-api.yml}). */
final class LifecycleApi {
    static final String RESERVED_PREFIX = "opensandbox.io/";
    private static final String INVALID = "SANDBOX::INVALID_PARAMETER";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern CLAIM_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final int MAX_PAGE_SIZE = 200;

    private final ServerCore core;
    private final Registry registry;
    private final SecureRandom random = new SecureRandom();
    private final byte[] signingKey = new byte[32];

    LifecycleApi(ServerCore core, Registry registry) {
        this.core = core;
        this.registry = registry;
        random.nextBytes(signingKey);
    }

    void handle(HttpExchange ex, List<String> segs) throws IOException, ApiException {
        String method = Http.method(ex);
        if (segs.size() == 1 && segs.get(0).equals("health")) {
            ObjectNode ok = Json.object();
            ok.put("status", "healthy");
            Http.json(ex, 200, ok);
            return;
        }
        authenticate(ex);
        if (segs.isEmpty()) {
            throw notFound();
        }
        if (segs.get(0).equals("sandboxes")) {
            sandboxes(ex, method, segs);
        } else if (segs.get(0).equals("snapshots")) {
            if (segs.size() == 1) {
                requireMethod(method, "GET");
                listSnapshots(ex);
            } else if (segs.size() == 2) {
                Registry.Snapshot snap = registry.snapshot(segs.get(1));
                if (snap == null) {
                    throw ApiException.notFound("SNAPSHOT::NOT_FOUND", "snapshot " + segs.get(1) + " not found");
                }
                if (method.equals("GET")) {
                    Http.json(ex, 200, snapshotJson(snap));
                } else if (method.equals("DELETE")) {
                    synchronized (snap) {
                        if (snap.state.equals("Creating")) {
                            throw ApiException.conflict(
                                    "SNAPSHOT::INVALID_STATE", "snapshot " + snap.id + " is still being created");
                        }
                    }
                    registry.deleteSnapshot(snap);
                    Http.empty(ex, 204);
                } else {
                    throw methodNotAllowed();
                }
            } else {
                throw notFound();
            }
        } else {
            throw notFound();
        }
    }

    private void authenticate(HttpExchange ex) throws ApiException {
        String expected = core.config().apiKey();
        if (expected == null) {
            return;
        }
        String given = ex.getRequestHeaders().getFirst("OPEN-SANDBOX-API-KEY");
        if (given == null || given.isEmpty()) {
            throw new ApiException(
                    401, "MISSING_API_KEY", "Authentication credentials are missing: send header OPEN-SANDBOX-API-KEY");
        }
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "INVALID_API_KEY", "The OPEN-SANDBOX-API-KEY header is not a valid API key");
        }
    }

    private void sandboxes(HttpExchange ex, String method, List<String> segs) throws IOException, ApiException {
        if (segs.size() == 1) {
            if (method.equals("GET")) {
                listSandboxes(ex);
            } else if (method.equals("POST")) {
                create(ex);
            } else {
                throw methodNotAllowed();
            }
            return;
        }
        SandboxRecord sb = registry.get(segs.get(1));
        if (sb == null) {
            // the Docker runtime's code and message (services/docker/docker_service.py)
            throw ApiException.notFound("DOCKER::SANDBOX_NOT_FOUND", "Sandbox " + segs.get(1) + " not found.");
        }
        if (segs.size() == 2) {
            if (method.equals("GET")) {
                Http.json(ex, 200, sb.toJson(true));
            } else if (method.equals("DELETE")) {
                registry.terminate(sb, "sandbox_deleted", "Sandbox deleted by request");
                Http.empty(ex, 204);
            } else {
                throw methodNotAllowed();
            }
            return;
        }
        String action = segs.get(2);
        if (segs.size() == 3) {
            switch (action) {
                case "metadata" -> {
                    requireMethod(method, "PATCH");
                    patchMetadata(ex, sb);
                    return;
                }
                case "snapshots" -> {
                    requireMethod(method, "POST");
                    createSnapshot(ex, sb);
                    return;
                }
                case "pause" -> {
                    requireMethod(method, "POST");
                    if (!registry.pause(sb)) {
                        throw ApiException.conflict(
                                "DOCKER::SANDBOX_NOT_RUNNING",
                                "sandbox " + sb.id() + " is " + sb.state() + "; only a Running sandbox can be paused");
                    }
                    Http.empty(ex, 202);
                    return;
                }
                case "resume" -> {
                    requireMethod(method, "POST");
                    if (!registry.resume(sb)) {
                        throw ApiException.conflict(
                                "DOCKER::SANDBOX_NOT_PAUSED",
                                "sandbox " + sb.id() + " is " + sb.state() + "; only a Paused sandbox can be resumed");
                    }
                    Http.empty(ex, 202);
                    return;
                }
                case "renew-expiration" -> {
                    requireMethod(method, "POST");
                    renew(ex, sb);
                    return;
                }
                default -> {
                    throw notFound();
                }
            }
        }
        if (segs.size() == 4 && action.equals("endpoints")) {
            requireMethod(method, "GET");
            endpoint(ex, sb, segs.get(3));
            return;
        }
        if (segs.size() == 4 && action.equals("diagnostics")) {
            requireMethod(method, "GET");
            diagnostics(ex, sb, segs.get(3));
            return;
        }
        throw notFound();
    }

    // ---------------------------------------------------------------- create

    private void create(HttpExchange ex) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), INVALID);
        JsonNode imageNode = req.get("image");
        String snapshotId = Json.text(req, "snapshotId", INVALID);
        boolean hasImage = imageNode != null && !imageNode.isNull();
        if (hasImage == (snapshotId != null)) {
            throw ApiException.badRequest(INVALID, "exactly one of 'image' and 'snapshotId' must be given");
        }
        ObjectNode image = null;
        if (hasImage) {
            image = validateImage(imageNode);
        }
        Registry.Snapshot snapshot = null;
        if (snapshotId != null) {
            snapshot = registry.snapshot(snapshotId);
            if (snapshot == null) {
                throw ApiException.notFound("SNAPSHOT::NOT_FOUND", "snapshot " + snapshotId + " not found");
            }
            synchronized (snapshot) {
                if (!snapshot.state.equals("Ready")) {
                    throw ApiException.conflict(
                            "SNAPSHOT::NOT_READY", "snapshot " + snapshotId + " is " + snapshot.state + ", not Ready");
                }
            }
        }
        JsonNode entrypointNode = req.get("entrypoint");
        if (entrypointNode != null && entrypointNode.isArray() && entrypointNode.isEmpty()) {
            // schema.py: entrypoint has min_length=1 (a 422 there)
            throw ApiException.badRequest(INVALID, "'entrypoint' must hold at least one item");
        }
        List<String> entrypoint = stringList(entrypointNode, "entrypoint");
        if (entrypoint.isEmpty()) {
            if (snapshot != null) {
                entrypoint = snapshot.entrypoint;
            } else {
                throw ApiException.badRequest(INVALID, "'entrypoint' is required when 'image' is given");
            }
        }
        JsonNode platform = req.get("platform");
        if (platform != null && !platform.isNull()) {
            platform = validatePlatform(platform);
        } else {
            platform = null;
        }
        Instant now = Instant.now();
        Instant expiresAt;
        JsonNode timeout = req.get("timeout");
        if (timeout == null || timeout.isNull()) {
            // like the lifecycle server's `timeout: Optional[int] = None`: omitted and null both mean manual cleanup
            expiresAt = null;
        } else if (!timeout.canConvertToLong() || !timeout.isIntegralNumber()) {
            throw ApiException.badRequest(INVALID, "'timeout' must be an integer number of seconds or null");
        } else {
            long seconds = timeout.longValue();
            long min = core.config().minimumTimeout().toSeconds();
            if (seconds < min) {
                throw ApiException.badRequest(INVALID, "'timeout' must be at least " + min + " seconds");
            }
            if (seconds > 31_536_000L * 10) {
                throw ApiException.badRequest(INVALID, "'timeout' is too large");
            }
            expiresAt = now.plusSeconds(seconds);
        }
        Map<String, String> env = envMap(req.get("env"));
        Map<String, String> metadata = stringMap(req.get("metadata"), "metadata");
        for (String key : metadata.keySet()) {
            if (key.startsWith(RESERVED_PREFIX)) {
                throw ApiException.badRequest(
                        INVALID, "metadata key '" + key + "' uses the reserved prefix " + RESERVED_PREFIX);
            }
        }
        Limits limits = Limits.of(stringMap(req.get("resourceLimits"), "resourceLimits"));
        validateExtensions(stringMap(req.get("extensions"), "extensions"));
        EgressState egress = networkPolicy(req.get("networkPolicy"));
        JsonNode cp = req.get("credentialProxy");
        if (cp != null && !cp.isNull()) {
            if (!cp.isObject()) {
                throw ApiException.badRequest(INVALID, "'credentialProxy' must be an object");
            }
            // docker_service.py: the transparent proxy the vault needs runs only with a network policy
            JsonNode np = req.get("networkPolicy");
            boolean enabled = cp.path("enabled").asBoolean(false);
            if (enabled && (np == null || np.isNull())) {
                // schema.py validate_source_and_entrypoint (a 422 there, see the README)
                throw ApiException.badRequest(INVALID, "credentialProxy.enabled requires networkPolicy.");
            }
            egress.credentialProxy = enabled;
        }
        JsonNode secure = req.get("secureAccess");
        if (secure != null && !secure.isNull() && !secure.isBoolean()) {
            throw ApiException.badRequest(INVALID, "'secureAccess' must be a boolean");
        }
        boolean secureAccess = secure != null && secure.asBoolean(false);

        String id = UUID.randomUUID().toString();
        List<Path> pvcsToDelete = new ArrayList<>();
        List<SandboxFs.Mount> mounts = volumes(req.get("volumes"), pvcsToDelete);
        Path dir = registry.sandboxesDir().resolve(id);
        SandboxRecord sb = new SandboxRecord(
                id,
                dir,
                now,
                image,
                snapshotId,
                platform,
                entrypoint,
                env,
                metadata,
                expiresAt,
                secureAccess ? token() : null,
                token(),
                mounts,
                registry.launcher().systemDirs(),
                egress);
        try {
            if (snapshot != null) {
                Registry.copyTree(snapshot.dir, sb.root());
            }
            registry.launcher().prepareRoot(sb.root());
            for (SandboxFs.Mount m : mounts) {
                Files.createDirectories(m.hostPath());
                Path mp = sb.root().resolve(m.sandboxPath().substring(1));
                if (!Files.isSymbolicLink(mp)) {
                    Files.createDirectories(mp);
                }
            }
        } catch (IOException e) {
            Registry.deleteTree(dir);
            throw new ApiException(500, "SANDBOX::CREATE_FAILED", "could not prepare the sandbox root: " + e);
        }
        sb.limits(limits);
        pvcsToDelete.forEach(sb::deleteOnTermination);
        registry.add(sb);
        Http.json(ex, 202, sb.toJson(false));
    }

    private String token() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static ObjectNode validateImage(JsonNode image) throws ApiException {
        if (!image.isObject()) {
            throw ApiException.badRequest(INVALID, "'image' must be an object {uri, auth?}");
        }
        String uri = Json.requiredText(image, "uri", INVALID);
        if (uri.isBlank()) {
            throw ApiException.badRequest(INVALID, "'image.uri' must not be blank");
        }
        JsonNode auth = image.get("auth");
        if (auth != null && !auth.isNull()) {
            if (!auth.isObject()) {
                throw ApiException.badRequest(INVALID, "'image.auth' must be an object");
            }
        }
        ObjectNode out = Json.object();
        out.put("uri", uri); // credentials are never echoed
        return out;
    }

    private static ObjectNode validatePlatform(JsonNode platform) throws ApiException {
        if (!platform.isObject()) {
            throw ApiException.badRequest(INVALID, "'platform' must be an object {os, arch}");
        }
        String os = Json.requiredText(platform, "os", INVALID);
        String arch = Json.requiredText(platform, "arch", INVALID);
        if (!Set.of("linux", "windows").contains(os)) {
            throw ApiException.badRequest(INVALID, "'platform.os' must be linux or windows");
        }
        if (!Set.of("amd64", "arm64").contains(arch)) {
            throw ApiException.badRequest(INVALID, "'platform.arch' must be amd64 or arm64");
        }
        ObjectNode out = Json.object(); // the fields of PlatformSpec only, as pydantic echoes it
        out.put("os", os);
        out.put("arch", arch);
        return out;
    }

    static EgressState networkPolicy(@Nullable JsonNode policy) throws ApiException {
        if (policy == null || policy.isNull()) {
            return new EgressState("allow", List.of());
        }
        if (!policy.isObject()) {
            throw ApiException.badRequest(INVALID, "'networkPolicy' must be an object");
        }
        String defaultAction = Json.text(policy, "defaultAction", INVALID);
        if (policy.isEmpty()) {
            return new EgressState("allow", List.of());
        }
        if (defaultAction == null) {
            defaultAction = "deny";
        }
        if (!defaultAction.equals("allow") && !defaultAction.equals("deny")) {
            throw ApiException.badRequest(INVALID, "'networkPolicy.defaultAction' must be allow or deny");
        }
        List<EgressState.Rule> rules = new ArrayList<>();
        JsonNode egress = policy.get("egress");
        if (egress != null && !egress.isNull()) {
            if (!egress.isArray()) {
                throw ApiException.badRequest(INVALID, "'networkPolicy.egress' must be an array");
            }
            for (JsonNode r : egress) {
                rules.add(rule(r, INVALID));
            }
        }
        return new EgressState(defaultAction, rules);
    }

    static EgressState.Rule rule(JsonNode r, String code) throws ApiException {
        if (!r.isObject()) {
            throw ApiException.badRequest(code, "a network rule must be an object {action, target}");
        }
        String action = Json.requiredText(r, "action", code);
        String target = Json.requiredText(r, "target", code);
        if (!action.equals("allow") && !action.equals("deny")) {
            throw ApiException.badRequest(code, "rule action must be allow or deny, was '" + action + "'");
        }
        if (target.isBlank()) {
            throw ApiException.badRequest(code, "rule target must not be blank");
        }
        return new EgressState.Rule(action, target);
    }

    private List<SandboxFs.Mount> volumes(@Nullable JsonNode volumes, List<Path> deleteOnTermination)
            throws ApiException {
        List<SandboxFs.Mount> mounts = new ArrayList<>();
        if (volumes == null || volumes.isNull()) {
            return mounts;
        }
        if (!volumes.isArray()) {
            throw ApiException.badRequest(INVALID, "'volumes' must be an array");
        }
        Set<String> names = new java.util.HashSet<>();
        for (JsonNode v : volumes) {
            if (!v.isObject()) {
                throw ApiException.badRequest(INVALID, "a volume must be an object");
            }
            Json.requireOnly(
                    v, Set.of("name", "mountPath", "readOnly", "subPath", "host", "pvc", "ossfs"), "volume", INVALID);
            String name = Json.requiredText(v, "name", INVALID);
            if (!DNS_LABEL.matcher(name).matches()) {
                throw ApiException.badRequest(INVALID, "volume name '" + name + "' must be a DNS label");
            }
            if (!names.add(name)) {
                throw ApiException.badRequest(INVALID, "duplicate volume name '" + name + "'");
            }
            String mountPath = Json.requiredText(v, "mountPath", INVALID);
            if (!mountPath.startsWith("/")) {
                throw ApiException.badRequest(INVALID, "volume mountPath must be absolute: " + mountPath);
            }
            List<String> mp = SandboxFs.normalize(mountPath);
            if (mp.isEmpty()
                    || registry.launcher().systemDirs().contains(mp.get(0))
                    || Set.of("proc", "dev").contains(mp.get(0))) {
                throw ApiException.badRequest("VOLUME::INVALID_MOUNT_PATH", "volume cannot be mounted at " + mountPath);
            }
            JsonNode ro = v.get("readOnly");
            boolean readOnly = ro != null && ro.asBoolean(false);
            String subPath = Json.text(v, "subPath", INVALID);
            int backends = 0;
            for (String b : List.of("host", "pvc", "ossfs")) {
                if (Json.present(v, b)) {
                    backends++;
                }
            }
            if (backends != 1) {
                throw ApiException.badRequest(
                        INVALID, "volume '" + name + "' must have exactly one backend of host, pvc and ossfs");
            }
            Path hostPath;
            if (Json.present(v, "ossfs")) {
                throw ApiException.badRequest(
                        "VOLUME::UNSUPPORTED_BACKEND",
                        "ossfs volumes are not supported by the local test server (volume '" + name + "')");
            } else if (Json.present(v, "host")) {
                JsonNode host = v.get("host");
                Json.requireOnly(host, Set.of("path"), "host volume", INVALID);
                String path = Json.requiredText(host, "path", INVALID);
                List<String> allowed = core.config().allowedHostPaths();
                HostPaths.check(path, allowed);
                hostPath = Path.of(path);
                if (!Files.isDirectory(hostPath)) {
                    throw ApiException.badRequest(
                            "VOLUME::HOST_PATH_NOT_FOUND", "host path " + path + " is not an existing directory");
                }
                // a symbolic link below an allowed prefix must not lead out of it
                HostPaths.checkReal(hostPath, allowed);
            } else {
                JsonNode pvc = v.get("pvc");
                Json.requireOnly(
                        pvc,
                        Set.of(
                                "claimName",
                                "createIfNotExists",
                                "deleteOnSandboxTermination",
                                "storageClass",
                                "storage",
                                "accessModes"),
                        "pvc volume",
                        INVALID);
                String claim = Json.requiredText(pvc, "claimName", INVALID);
                if (!CLAIM_NAME.matcher(claim).matches()) {
                    throw ApiException.badRequest(INVALID, "invalid claimName '" + claim + "'");
                }
                hostPath = registry.volumesDir().resolve(claim);
                JsonNode create = pvc.get("createIfNotExists");
                if (create != null && !create.asBoolean(true) && !Files.isDirectory(hostPath)) {
                    throw ApiException.notFound("VOLUME::PVC_NOT_FOUND", "volume claim '" + claim + "' does not exist");
                }
            }
            if (subPath != null && !subPath.isEmpty()) {
                List<String> sp = SandboxFs.normalize("/" + subPath);
                if (!sp.isEmpty()) {
                    hostPath = hostPath.resolve(String.join("/", sp));
                }
                if (Json.present(v, "host")) {
                    HostPaths.checkReal(hostPath, core.config().allowedHostPaths());
                }
            }
            mounts.add(new SandboxFs.Mount(SandboxFs.join(mp), hostPath, readOnly));
            if (Json.present(v, "pvc")
                    && v.get("pvc").path("deleteOnSandboxTermination").asBoolean(false)) {
                deleteOnTermination.add(
                        registry.volumesDir().resolve(Json.requiredText(v.get("pvc"), "claimName", INVALID)));
            }
        }
        return mounts;
    }

    private static List<String> stringList(@Nullable JsonNode node, String field) throws ApiException {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw ApiException.badRequest(INVALID, "'" + field + "' must be an array of strings");
        }
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw ApiException.badRequest(INVALID, "'" + field + "' must be an array of strings");
            }
            out.add(n.textValue());
        }
        return out;
    }

    /** schema.py: {@code env: Dict[str, Optional[str]]}; a null value sets nothing. */
    private static Map<String, String> envMap(@Nullable JsonNode node) throws ApiException {
        if (node != null && node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            List<String> nulls = new ArrayList<>();
            copy.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                }
            });
            copy.remove(nulls);
            return stringMap(copy, "env");
        }
        return stringMap(node, "env");
    }

    /** extensions/validation.py: {@code access.renew.extend.seconds} is a base-10 integer from 300 to 86400. */
    private static void validateExtensions(Map<String, String> extensions) throws ApiException {
        String raw = extensions.get("access.renew.extend.seconds");
        if (raw == null) {
            return;
        }
        long seconds;
        try {
            seconds = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 300 || seconds > 86_400) {
            throw ApiException.badRequest(
                    INVALID,
                    "Invalid extensions[\"access.renew.extend.seconds\"]: must be a base-10 integer string between"
                            + " 300 and 86400 seconds (5 minutes to 24 hours inclusive), got '" + raw + "'.");
        }
    }

    private static Map<String, String> stringMap(@Nullable JsonNode node, String field) throws ApiException {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest(INVALID, "'" + field + "' must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw ApiException.badRequest(INVALID, "'" + field + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    // ---------------------------------------------------------------- list

    private void listSandboxes(HttpExchange ex) throws IOException, ApiException {
        Map<String, List<String>> q = Http.query(ex);
        List<String> states = Http.all(q, "state");
        Map<String, String> md = parseMetadataFilter(Http.first(q, "metadata"));
        int page = intParam(q, "page", 1);
        int pageSize = pageSize(q);
        Predicate<SandboxRecord> match = sb -> {
            if (!states.isEmpty() && states.stream().noneMatch(s -> s.equalsIgnoreCase(sb.state()))) {
                return false;
            }
            Map<String, String> m = sb.metadata();
            for (Map.Entry<String, String> e : md.entrySet()) {
                if (!e.getValue().equals(m.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        };
        List<ObjectNode> items = new ArrayList<>();
        for (SandboxRecord sb : registry.all()) {
            if (match.test(sb)) {
                items.add(sb.toJson(true));
            }
        }
        Http.json(ex, 200, page(items, page, pageSize));
    }

    private void listSnapshots(HttpExchange ex) throws IOException, ApiException {
        Map<String, List<String>> q = Http.query(ex);
        String sandboxId = Http.first(q, "sandboxId");
        List<String> states = Http.all(q, "state");
        int page = intParam(q, "page", 1);
        int pageSize = pageSize(q);
        List<ObjectNode> items = new ArrayList<>();
        for (Registry.Snapshot s : registry.allSnapshots()) {
            ObjectNode json = snapshotJson(s);
            String state = json.path("status").path("state").asText();
            if ((sandboxId == null || sandboxId.equals(s.sandboxId))
                    && (states.isEmpty() || states.stream().anyMatch(state::equalsIgnoreCase))) {
                items.add(json);
            }
        }
        Http.json(ex, 200, page(items, page, pageSize));
    }

    private static ObjectNode page(List<ObjectNode> items, int page, int pageSize) {
        int total = items.size();
        int totalPages = (total + pageSize - 1) / pageSize;
        ObjectNode out = Json.object();
        ArrayNode arr = out.putArray("items");
        long from = (long) (page - 1) * pageSize;
        for (long i = from; i < Math.min(total, from + pageSize); i++) {
            arr.add(items.get((int) i));
        }
        ObjectNode p = out.putObject("pagination");
        p.put("page", page);
        p.put("pageSize", pageSize);
        p.put("totalItems", total);
        p.put("totalPages", totalPages);
        p.put("hasNextPage", page < totalPages);
        return out;
    }

    private static int pageSize(Map<String, List<String>> q) throws ApiException {
        int size = intParam(q, "pageSize", 20);
        if (size > MAX_PAGE_SIZE) {
            // like FastAPI's Query(le=200): refused, not capped
            throw ApiException.badRequest(INVALID, "query parameter 'pageSize' must be at most " + MAX_PAGE_SIZE);
        }
        return size;
    }

    private static int intParam(Map<String, List<String>> q, String name, int def) throws ApiException {
        String v = Http.first(q, name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badRequest(INVALID, "query parameter '" + name + "' must be an integer >= 1");
    }

    /** Form-decodes {@code k=v&k2=v2} like Python's {@code parse_qsl(strict_parsing=True)}. */
    static Map<String, String> parseMetadataFilter(@Nullable String value) throws ApiException {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isEmpty()) {
            return out;
        }
        for (String pair : value.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw ApiException.badRequest(
                        "INVALID_METADATA_FORMAT", "Invalid metadata format: bad query field '" + pair + "'");
            }
            String k;
            String v;
            try {
                k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(
                        "INVALID_METADATA_FORMAT", "Invalid metadata format: bad percent-encoding in '" + pair + "'");
            }
            if (!v.isEmpty()) { // parse_qsl drops blank values
                out.put(k, v);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- other operations

    private void patchMetadata(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode patch = Json.parseObject(Http.readJsonBody(ex), INVALID);
        Map<String, String> md = sb.metadata();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getKey().startsWith(RESERVED_PREFIX)) {
                throw ApiException.badRequest(
                        INVALID, "metadata key '" + e.getKey() + "' uses the reserved prefix " + RESERVED_PREFIX);
            }
            if (e.getValue().isNull()) {
                md.remove(e.getKey());
            } else if (e.getValue().isTextual()) {
                md.put(e.getKey(), e.getValue().textValue());
            } else {
                throw ApiException.badRequest(INVALID, "metadata values must be strings or null");
            }
        }
        sb.replaceMetadata(md);
        Http.json(ex, 200, sb.toJson(true));
    }

    private void createSnapshot(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        byte[] body = Http.readJsonBody(ex);
        String name = null;
        if (body.length > 0) {
            ObjectNode req = Json.parseObject(body, INVALID);
            name = Json.text(req, "name", INVALID);
            if (name != null && name.isEmpty()) {
                throw ApiException.badRequest(INVALID, "snapshot 'name' must not be empty");
            }
        }
        String state = sb.state();
        if (!state.equals("Running")) {
            throw ApiException.conflict(
                    "SNAPSHOT::INVALID_SOURCE_STATE", "Snapshot can only be created from a Running sandbox.");
        }
        Registry.Snapshot snap = registry.createSnapshot(sb, UUID.randomUUID().toString(), name);
        // api/lifecycle.py sets this relative Location on snapshot creation (and none on sandbox creation)
        ex.getResponseHeaders().set("Location", "/v1/snapshots/" + snap.id);
        Http.json(ex, 202, snapshotJson(snap));
    }

    private static ObjectNode snapshotJson(Registry.Snapshot s) {
        synchronized (s) {
            ObjectNode o = Json.object();
            o.put("id", s.id);
            o.put("sandboxId", s.sandboxId);
            if (s.name != null) {
                o.put("name", s.name);
            }
            ObjectNode st = o.putObject("status");
            st.put("state", s.state);
            st.put("reason", s.reason);
            st.put("message", s.message);
            st.put("lastTransitionAt", Json.time(s.lastTransitionAt));
            o.put("createdAt", Json.time(s.createdAt));
            return o;
        }
    }

    private void renew(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), INVALID);
        String value = Json.requiredText(req, "expiresAt", INVALID);
        Instant at;
        try {
            at = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(INVALID, "'expiresAt' must be an RFC 3339 date-time with offset");
        }
        if (!at.isAfter(Instant.now())) {
            throw ApiException.badRequest("DOCKER::INVALID_EXPIRATION", "New expiration time must be in the future.");
        }
        if (sb.expiresAt() == null) {
            throw ApiException.conflict(
                    "DOCKER::INVALID_EXPIRATION",
                    "Sandbox " + sb.id() + " does not have automatic expiration enabled.");
        }
        sb.expiresAt(at);
        ObjectNode out = Json.object();
        out.put("expiresAt", Json.time(at));
        Http.json(ex, 200, out);
    }

    private void endpoint(HttpExchange ex, SandboxRecord sb, String portText) throws IOException, ApiException {
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw ApiException.badRequest(INVALID, "port must be an integer between 1 and 65535");
        }
        Map<String, List<String>> q = Http.query(ex);
        String proxyText = Http.first(q, "use_server_proxy");
        boolean proxy = false;
        if (proxyText != null) {
            String p = proxyText.toLowerCase(Locale.ROOT);
            if (p.equals("true") || p.equals("1")) {
                proxy = true;
            } else if (!p.equals("false") && !p.equals("0") && !p.isEmpty()) {
                throw ApiException.badRequest(INVALID, "use_server_proxy must be true or false");
            }
        }
        String expires = Http.first(q, "expires");
        String base = "127.0.0.1:" + core.port() + "/sandboxes/" + sb.id();
        String endpoint;
        if (expires != null) {
            if (proxy) {
                throw ApiException.badRequest(
                        INVALID, "'expires' (signed endpoint) cannot be combined with use_server_proxy=true");
            }
            long exp;
            try {
                exp = Long.parseLong(expires);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(INVALID, "'expires' must be epoch seconds");
            }
            if (exp <= Instant.now().getEpochSecond()) {
                throw ApiException.badRequest(INVALID, "'expires' must be in the future");
            }
            endpoint = base + "/signed/" + port + "/" + exp + "/" + sign(sb.id(), port, exp);
        } else {
            endpoint = base + (proxy ? "/proxy/" : "/port/") + port;
        }
        ObjectNode out = Json.object();
        out.put("endpoint", endpoint);
        ObjectNode headers = out.putObject("headers");
        if (port == ServerCore.EGRESS_PORT) {
            headers.put("OPENSANDBOX-EGRESS-AUTH", sb.egressToken());
        }
        String secure = sb.secureToken();
        if (secure != null) {
            headers.put("OpenSandbox-Secure-Access", secure);
        }
        Http.json(ex, 200, out);
    }

    private String sign(String sandboxId, int port, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            byte[] sig = mac.doFinal((sandboxId + "|" + port + "|" + expires).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sig, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    void verifySignature(String sandboxId, int port, String expires, String signature) throws ApiException {
        long exp;
        try {
            exp = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new ApiException(401, "INVALID_SIGNATURE", "malformed signed route");
        }
        String expected = sign(sandboxId, port, exp);
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "INVALID_SIGNATURE", "invalid signature on signed route");
        }
        if (exp <= Instant.now().getEpochSecond()) {
            throw new ApiException(401, "SIGNATURE_EXPIRED", "the signed route has expired");
        }
    }

    private void diagnostics(HttpExchange ex, SandboxRecord sb, String kind) throws IOException, ApiException {
        if (!kind.equals("logs") && !kind.equals("events")) {
            throw notFound();
        }
        Map<String, List<String>> q = Http.query(ex);
        String scope = Http.first(q, "scope");
        if (scope == null || scope.isBlank()) {
            throw ApiException.badRequest(INVALID, "query parameter 'scope' is required");
        }
        StringBuilder content = new StringBuilder();
        if (kind.equals("logs") && (scope.equals("container") || scope.equals("process") || scope.equals("all"))) {
            CommandRecord ep = registry.entrypoint(sb.id());
            if (ep != null) {
                content.append(ep.logs(0).content());
            }
        }
        if (!kind.equals("logs") || !scope.equals("container")) {
            for (String e : sb.events()) {
                content.append(e).append('\n');
            }
        }
        ObjectNode out = Json.object();
        out.put("sandboxId", sb.id());
        out.put("kind", kind);
        out.put("scope", scope);
        out.put("delivery", "inline");
        out.put("contentType", "text/plain");
        String text = content.toString();
        out.put("content", text);
        out.put("contentLength", text.getBytes(StandardCharsets.UTF_8).length);
        out.put("truncated", false);
        Http.json(ex, 200, out);
    }

    private static void requireMethod(String method, String expected) throws ApiException {
        if (!method.equals(expected)) {
            throw methodNotAllowed();
        }
    }

    private static ApiException methodNotAllowed() {
        // FastAPI's own answer: routing errors are not HTTPExceptions of the app, so main.py does not flatten them
        return ApiException.verbatim(405, "application/json", "{\"detail\":\"Method Not Allowed\"}");
    }

    private static ApiException notFound() {
        return ApiException.verbatim(404, "application/json", "{\"detail\":\"Not Found\"}");
    }
}
