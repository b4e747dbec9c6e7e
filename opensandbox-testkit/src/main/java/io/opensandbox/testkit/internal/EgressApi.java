package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The egress sidecar ({@code egress-api.yaml}): network policy and credential vault. Errors are plain text. */
final class EgressApi {
    private static final String BAD = "BAD_REQUEST";
    private static final int MAX_RULES = 4096;

    EgressApi(Registry registry) {
        // the registry is not needed: every call names its sandbox
    }

    void handle(HttpExchange ex, SandboxRecord sb, String path) throws IOException, ApiException {
        String method = Http.method(ex);
        List<String> segs = ServerCore.segments(path);
        EgressState st = sb.egress();
        if (segs.size() == 1 && segs.get(0).equals("healthz")) {
            Http.text(ex, 200, "ok");
            return;
        }
        if (segs.size() == 1 && segs.get(0).equals("policy")) {
            policy(ex, method, st);
            return;
        }
        if (!segs.isEmpty() && segs.get(0).equals("credential-vault")) {
            synchronized (st) {
                vault(ex, method, st, segs.subList(1, segs.size()));
            }
            return;
        }
        throw new ApiException(404, "NOT_FOUND", "404 page not found");
    }

    // ---------------------------------------------------------------- policy

    private static void policy(HttpExchange ex, String method, EgressState st) throws IOException, ApiException {
        switch (method) {
            case "GET" -> {}
            case "PATCH" -> {
                JsonNode body = Json.parse(Http.readJsonBody(ex), BAD);
                if (!body.isArray() || body.isEmpty()) {
                    throw ApiException.badRequest(BAD, "request body must be a non-empty JSON array of rules");
                }
                // egress-api.yaml: incoming rules take priority over existing ones (rules are evaluated in order),
                // so they come first; of several incoming rules for one target the first wins; existing rules stay
                // unless an incoming rule has their target. Targets are domains: compared case-insensitively.
                Map<String, EgressState.Rule> incoming = new LinkedHashMap<>();
                for (JsonNode r : body) {
                    EgressState.Rule rule = LifecycleApi.rule(r, BAD);
                    incoming.putIfAbsent(targetKey(rule.target()), rule);
                }
                synchronized (st) {
                    List<EgressState.Rule> merged = new ArrayList<>(incoming.values());
                    for (EgressState.Rule old : st.rules) {
                        if (!incoming.containsKey(targetKey(old.target()))) {
                            merged.add(old);
                        }
                    }
                    if (merged.size() > MAX_RULES) {
                        throw new ApiException(413, BAD, "too many egress rules (limit " + MAX_RULES + ")");
                    }
                    requireVaultStillFits(st, st.defaultAction, merged);
                    st.rules.clear();
                    st.rules.addAll(merged);
                }
            }
            case "DELETE" -> {
                JsonNode body = Json.parse(Http.readJsonBody(ex), BAD);
                if (!body.isArray() || body.isEmpty()) {
                    // egress-api.yaml: DELETE /policy takes an array with minItems 1, like PATCH
                    throw ApiException.badRequest(BAD, "request body must be a non-empty JSON array of target strings");
                }
                Set<String> targets = new LinkedHashSet<>();
                for (JsonNode t : body) {
                    if (!t.isTextual()) {
                        throw ApiException.badRequest(BAD, "request body must be a JSON array of target strings");
                    }
                    targets.add(targetKey(t.textValue()));
                }
                synchronized (st) {
                    List<EgressState.Rule> kept = new ArrayList<>(st.rules);
                    kept.removeIf(r -> targets.contains(targetKey(r.target())));
                    requireVaultStillFits(st, st.defaultAction, kept);
                    st.rules.clear();
                    st.rules.addAll(kept);
                }
            }
            case "POST", "PUT" -> {
                JsonNode body = Json.parse(Http.readJsonBody(ex), BAD);
                EgressState replacement = LifecycleApi.networkPolicy(body);
                synchronized (st) {
                    requireVaultStillFits(st, replacement.defaultAction, replacement.rules);
                    st.defaultAction = replacement.defaultAction;
                    st.rules.clear();
                    st.rules.addAll(replacement.rules);
                }
            }
            default -> {
                throw new ApiException(405, BAD, "method not allowed");
            }
        }
        Http.json(ex, 200, status(st));
    }

    /** policy_server.go: a policy change must leave the vault's bindings valid. */
    private static void requireVaultStillFits(EgressState st, String defaultAction, List<EgressState.Rule> rules)
            throws ApiException {
        if (!st.vaultExists) {
            return;
        }
        String violation = VaultPolicy.violation(st.bindings.values(), defaultAction, rules);
        if (violation != null) {
            throw ApiException.badRequest(BAD, "credential vault policy validation: " + violation);
        }
    }

    /** vault.go Ready(): the vault works only behind the transparent credential proxy. */
    private static void requireCredentialProxy(EgressState st) throws ApiException {
        if (!st.credentialProxy) {
            throw new ApiException(412, BAD, "credential vault requires transparent mitmproxy");
        }
    }

    private static void requireBindingsFitThePolicy(EgressState st, Map<String, EgressState.Binding> binds)
            throws ApiException {
        String violation = VaultPolicy.violation(binds.values(), st.defaultAction, st.rules);
        if (violation != null) {
            throw ApiException.badRequest(BAD, violation);
        }
    }

    /** Domain targets match case-insensitively, like DNS names. */
    private static String targetKey(String target) {
        return target.toLowerCase(Locale.ROOT);
    }

    private static ObjectNode status(EgressState st) {
        synchronized (st) {
            ObjectNode o = Json.object();
            o.put("status", "ok");
            boolean deny = "deny".equals(st.defaultAction);
            o.put("mode", st.rules.isEmpty() ? (deny ? "deny_all" : "allow_all") : "rules");
            o.put("enforcementMode", deny ? "netns" : "none");
            o.put(
                    "reason",
                    "local test server: defaultAction is enforced for commands started after the change ("
                            + "deny = no network namespace access at all); per-target rules are stored but not"
                            + " enforced");
            ObjectNode policy = o.putObject("policy");
            policy.put("defaultAction", st.defaultAction);
            ArrayNode egress = policy.putArray("egress");
            for (EgressState.Rule r : st.rules) {
                ObjectNode rule = egress.addObject();
                rule.put("action", r.action());
                rule.put("target", r.target());
            }
            return o;
        }
    }

    // ---------------------------------------------------------------- vault

    private static void vault(HttpExchange ex, String method, EgressState st, List<String> segs)
            throws IOException, ApiException {
        if (segs.isEmpty()) {
            switch (method) {
                case "POST" -> {
                    requireCredentialProxy(st);
                    createVault(ex, st);
                    return;
                }
                case "GET" -> {
                    requireVault(st);
                    Http.json(ex, 200, vaultState(st));
                    return;
                }
                case "PATCH" -> {
                    requireCredentialProxy(st);
                    patchVault(ex, st);
                    return;
                }
                case "DELETE" -> {
                    requireCredentialProxy(st);
                    requireVault(st);
                    st.vaultExists = false;
                    st.credentials.clear();
                    st.bindings.clear();
                    Http.empty(ex, 204);
                    return;
                }
                default -> {
                    throw new ApiException(405, BAD, "method not allowed");
                }
            }
        }
        if (!method.equals("GET")) {
            throw new ApiException(405, BAD, "method not allowed");
        }
        if (segs.get(0).equals("_active")) {
            throw new ApiException(403, "FORBIDDEN", "forbidden");
        }
        requireVault(st);
        if (segs.size() == 1 && segs.get(0).equals("credentials")) {
            ObjectNode o = Json.object();
            o.put("revision", st.vaultRevision);
            ArrayNode arr = o.putArray("credentials");
            st.credentials.values().forEach(c -> arr.add(credentialJson(c)));
            Http.json(ex, 200, o);
        } else if (segs.size() == 2 && segs.get(0).equals("credentials")) {
            EgressState.Credential c = st.credentials.get(segs.get(1));
            if (c == null) {
                throw ApiException.notFound("NOT_FOUND", "credential not found");
            }
            Http.json(ex, 200, credentialJson(c));
        } else if (segs.size() == 1 && segs.get(0).equals("bindings")) {
            ObjectNode o = Json.object();
            o.put("revision", st.vaultRevision);
            ArrayNode arr = o.putArray("bindings");
            st.bindings.values().forEach(b -> arr.add(bindingJson(b)));
            Http.json(ex, 200, o);
        } else if (segs.size() == 2 && segs.get(0).equals("bindings")) {
            EgressState.Binding b = st.bindings.get(segs.get(1));
            if (b == null) {
                throw ApiException.notFound("NOT_FOUND", "binding not found");
            }
            Http.json(ex, 200, bindingJson(b));
        } else {
            throw new ApiException(404, "NOT_FOUND", "not found");
        }
    }

    private static void requireVault(EgressState st) throws ApiException {
        if (!st.vaultExists) {
            throw ApiException.notFound("NOT_FOUND", "credential vault not found");
        }
    }

    private static void createVault(HttpExchange ex, EgressState st) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        Json.requireOnly(req, Set.of("credentials", "bindings"), "request", BAD);
        if (st.vaultExists) {
            throw ApiException.conflict("CONFLICT", "credential vault already exists");
        }
        JsonNode creds = req.get("credentials");
        JsonNode binds = req.get("bindings");
        if (creds == null || !creds.isArray() || binds == null || !binds.isArray()) {
            throw ApiException.badRequest(BAD, "credentials and bindings are required arrays");
        }
        Map<String, EgressState.Credential> newCreds = new LinkedHashMap<>();
        for (JsonNode c : creds) {
            EgressState.Credential cred = credential(c, 1);
            if (newCreds.putIfAbsent(cred.name, cred) != null) {
                throw ApiException.badRequest(BAD, "duplicate credential name " + cred.name);
            }
        }
        Map<String, EgressState.Binding> newBinds = new LinkedHashMap<>();
        for (JsonNode b : binds) {
            EgressState.Binding bind = binding(b, 1);
            if (newBinds.putIfAbsent(bind.name(), bind) != null) {
                throw ApiException.badRequest(BAD, "duplicate binding name " + bind.name());
            }
        }
        checkReferences(newCreds, newBinds);
        requireBindingsFitThePolicy(st, newBinds);
        st.vaultExists = true;
        st.vaultRevision = 1;
        st.credentials.clear();
        st.credentials.putAll(newCreds);
        st.bindings.clear();
        st.bindings.putAll(newBinds);
        Http.json(ex, 201, vaultState(st));
    }

    private static void patchVault(HttpExchange ex, EgressState st) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        Json.requireOnly(req, Set.of("expectedRevision", "credentials", "bindings"), "request", BAD);
        requireVault(st);
        JsonNode expected = req.get("expectedRevision");
        if (expected != null && !expected.isNull()) {
            if (!expected.isIntegralNumber()) {
                throw ApiException.badRequest(BAD, "expectedRevision must be an integer");
            }
            if (expected.longValue() != st.vaultRevision) {
                throw ApiException.conflict(
                        "CONFLICT",
                        "expectedRevision " + expected.longValue() + " does not match current revision "
                                + st.vaultRevision);
            }
        }
        long rev = st.vaultRevision + 1;
        Map<String, EgressState.Credential> creds = new LinkedHashMap<>(st.credentials);
        Map<String, EgressState.Binding> binds = new LinkedHashMap<>(st.bindings);
        JsonNode cm = req.get("credentials");
        if (cm != null && !cm.isNull()) {
            mutationShape(cm, "credentials");
            for (JsonNode n : cm.path("delete")) {
                if (creds.remove(n.asText()) == null) {
                    throw ApiException.badRequest(BAD, "credential \"" + n.asText() + "\" does not exist");
                }
            }
            for (JsonNode n : cm.path("add")) {
                EgressState.Credential c = credential(n, rev);
                if (creds.putIfAbsent(c.name, c) != null) {
                    throw ApiException.badRequest(BAD, "credential \"" + c.name + "\" already exists");
                }
            }
            for (JsonNode n : cm.path("replace")) {
                EgressState.Credential c = credential(n, rev);
                if (creds.replace(c.name, c) == null) {
                    throw ApiException.badRequest(BAD, "credential \"" + c.name + "\" does not exist");
                }
            }
        }
        JsonNode bm = req.get("bindings");
        if (bm != null && !bm.isNull()) {
            mutationShape(bm, "bindings");
            for (JsonNode n : bm.path("delete")) {
                if (binds.remove(n.asText()) == null) {
                    throw ApiException.badRequest(BAD, "binding \"" + n.asText() + "\" does not exist");
                }
            }
            for (JsonNode n : bm.path("add")) {
                EgressState.Binding b = binding(n, rev);
                if (binds.putIfAbsent(b.name(), b) != null) {
                    throw ApiException.badRequest(BAD, "binding \"" + b.name() + "\" already exists");
                }
            }
            for (JsonNode n : bm.path("replace")) {
                EgressState.Binding b = binding(n, rev);
                if (binds.replace(b.name(), b) == null) {
                    throw ApiException.badRequest(BAD, "binding \"" + b.name() + "\" does not exist");
                }
            }
        }
        checkReferences(creds, binds);
        requireBindingsFitThePolicy(st, binds);
        st.vaultRevision = rev;
        st.credentials.clear();
        st.credentials.putAll(creds);
        st.bindings.clear();
        st.bindings.putAll(binds);
        Http.json(ex, 200, vaultState(st));
    }

    private static void mutationShape(JsonNode m, String what) throws ApiException {
        if (!m.isObject()) {
            throw ApiException.badRequest(BAD, what + " must be an object {add, replace, delete}");
        }
        Json.requireOnly(m, Set.of("add", "replace", "delete"), what, BAD);
        for (String f : List.of("add", "replace", "delete")) {
            JsonNode v = m.get(f);
            if (v != null && !v.isNull() && !v.isArray()) {
                throw ApiException.badRequest(BAD, what + "." + f + " must be an array");
            }
        }
        for (JsonNode d : m.path("delete")) {
            if (!d.isTextual()) {
                throw ApiException.badRequest(BAD, what + ".delete must hold names");
            }
        }
    }

    private static EgressState.Credential credential(JsonNode c, long revision) throws ApiException {
        if (!c.isObject()) {
            throw ApiException.badRequest(BAD, "a credential must be an object");
        }
        Json.requireOnly(c, Set.of("name", "source"), "credential", BAD);
        String name = Json.requiredText(c, "name", BAD);
        if (name.isBlank()) {
            throw ApiException.badRequest(BAD, "credential name must not be blank");
        }
        JsonNode source = c.get("source");
        if (source == null || !source.isObject()) {
            throw ApiException.badRequest(BAD, "credential " + name + ": source is required");
        }
        Json.requireOnly(source, Set.of("type", "value"), "credential source", BAD);
        String type = Json.text(source, "type", BAD);
        if (type != null && !type.equals("inline")) {
            throw ApiException.badRequest(BAD, "credential " + name + ": unsupported source type " + type);
        }
        String value = Json.requiredText(source, "value", BAD);
        if (value.isEmpty()) {
            throw ApiException.badRequest(BAD, "credential " + name + ": source.value must not be empty");
        }
        return new EgressState.Credential(name, "inline", value, revision);
    }

    private static EgressState.Binding binding(JsonNode b, long revision) throws ApiException {
        if (!b.isObject()) {
            throw ApiException.badRequest(BAD, "a binding must be an object");
        }
        Json.requireOnly(b, Set.of("name", "match", "auth"), "binding", BAD);
        String name = Json.requiredText(b, "name", BAD);
        JsonNode match = b.get("match");
        if (match == null || !match.isObject()) {
            throw ApiException.badRequest(BAD, "binding " + name + ": match is required");
        }
        Json.requireOnly(match, Set.of("hosts", "schemes", "ports", "methods", "paths"), "binding match", BAD);
        JsonNode hosts = match.get("hosts");
        if (hosts == null || !hosts.isArray() || hosts.isEmpty()) {
            throw ApiException.badRequest(BAD, "binding " + name + ": match.hosts must be a non-empty array");
        }
        JsonNode auth = b.get("auth");
        if (auth == null || !auth.isObject()) {
            throw ApiException.badRequest(BAD, "binding " + name + ": auth is required");
        }
        String type = Json.requiredText(auth, "type", BAD);
        switch (type) {
            case "bearer", "basic" -> {
                Json.requireOnly(auth, Set.of("type", "credential"), "binding auth", BAD);
                Json.requiredText(auth, "credential", BAD);
            }
            case "apiKey" -> {
                Json.requireOnly(auth, Set.of("type", "name", "credential"), "binding auth", BAD);
                Json.requiredText(auth, "name", BAD);
                Json.requiredText(auth, "credential", BAD);
            }
            case "customHeaders" -> {
                Json.requireOnly(auth, Set.of("type", "headers"), "binding auth", BAD);
                JsonNode headers = auth.get("headers");
                if (headers == null || !headers.isArray() || headers.isEmpty()) {
                    throw ApiException.badRequest(BAD, "binding " + name + ": auth.headers must be non-empty");
                }
                for (JsonNode h : headers) {
                    Json.requireOnly(h, Set.of("name", "credential"), "binding auth header", BAD);
                    Json.requiredText(h, "name", BAD);
                    Json.requiredText(h, "credential", BAD);
                }
            }
            default -> {
                throw ApiException.badRequest(BAD, "binding " + name + ": unknown auth type " + type);
            }
        }
        return new EgressState.Binding(name, revision, normalizedMatch(match), (ObjectNode) auth.deepCopy());
    }

    /** vault.go normalizeMatch: the defaults are filled in and stored; fields in the order of its Match struct. */
    private static ObjectNode normalizedMatch(JsonNode match) {
        ObjectNode out = Json.object();
        out.set("schemes", orDefault(match.get("schemes"), List.of("https")));
        ArrayNode ports = out.putArray("ports");
        JsonNode givenPorts = match.get("ports");
        if (givenPorts != null && givenPorts.isArray() && !givenPorts.isEmpty()) {
            givenPorts.forEach(ports::add);
        } else {
            ports.add(443);
        }
        out.set("hosts", match.get("hosts").deepCopy());
        out.set("methods", orDefault(match.get("methods"), List.of("GET", "POST", "PUT", "PATCH", "DELETE")));
        out.set("paths", orDefault(match.get("paths"), List.of("/*")));
        return out;
    }

    private static ArrayNode orDefault(@Nullable JsonNode given, List<String> defaults) {
        if (given != null && given.isArray() && !given.isEmpty()) {
            return (ArrayNode) given.deepCopy();
        }
        ArrayNode out = Json.object().arrayNode();
        defaults.forEach(out::add);
        return out;
    }

    private static void checkReferences(
            Map<String, EgressState.Credential> creds, Map<String, EgressState.Binding> binds) throws ApiException {
        for (EgressState.Binding b : binds.values()) {
            ObjectNode auth = b.auth();
            if (auth == null) {
                continue;
            }
            List<String> refs = new ArrayList<>();
            if (auth.hasNonNull("credential")) {
                refs.add(auth.get("credential").asText());
            }
            for (JsonNode h : auth.path("headers")) {
                refs.add(h.path("credential").asText());
            }
            for (String ref : refs) {
                if (!creds.containsKey(ref)) {
                    throw ApiException.badRequest(BAD, "binding " + b.name() + " references unknown credential " + ref);
                }
            }
        }
    }

    private static ObjectNode vaultState(EgressState st) {
        ObjectNode o = Json.object();
        o.put("revision", st.vaultRevision);
        ArrayNode c = o.putArray("credentials");
        st.credentials.values().forEach(x -> c.add(credentialJson(x)));
        ArrayNode b = o.putArray("bindings");
        st.bindings.values().forEach(x -> b.add(bindingJson(x)));
        return o;
    }

    private static ObjectNode credentialJson(EgressState.Credential c) {
        ObjectNode o = Json.object();
        o.put("name", c.name);
        o.put("sourceType", c.sourceType);
        o.put("revision", c.revision);
        return o;
    }

    private static ObjectNode bindingJson(EgressState.Binding b) {
        ObjectNode o = Json.object();
        o.put("name", b.name());
        o.put("revision", b.revision());
        if (b.match() != null) {
            o.set("match", b.match());
        }
        ObjectNode auth = b.auth();
        if (auth != null) {
            ObjectNode a = o.putObject("auth");
            a.put("type", auth.path("type").asText());
            if (auth.hasNonNull("name")) {
                a.put("name", auth.get("name").asText());
            }
        }
        return o;
    }
}
