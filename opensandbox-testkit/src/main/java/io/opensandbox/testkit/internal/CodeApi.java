package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * execd's code interpreter ({@code /code}, {@code /code/context}, {@code /code/contexts}), with a {@link Kernel}
 * process per context in place of Jupyter. Status codes, error codes and messages, and the order of the events follow
 * execd's {@code codeinterpreting.go}, {@code runtime/context.go} and {@code runtime/jupyter.go}: a kernel message
 * becomes the same events execd makes of it ({@code execute_result} gives {@code execution_count} then {@code result}
 * with {@code text/plain} renamed to {@code text}; an error gives {@code status} "error" then {@code error}; the end
 * of the run gives {@code execution_complete}, after an error too).
 */
final class CodeApi {
    private static final String BAD = "INVALID_REQUEST_BODY";
    private static final String RUNTIME = "RUNTIME_ERROR";
    /** The languages execd hands to Jupyter. */
    private static final Set<String> KERNEL_LANGUAGES =
            Set.of("bash", "python", "java", "javascript", "typescript", "go");
    /** The languages this server has an interpreter for. */
    private static final Set<String> SUPPORTED = Set.of("python", "bash");

    private static final long MAX_RUN_MS = TimeUnit.HOURS.toMillis(24);

    private final ServerCore core;
    /** The contexts of each sandbox; a sandbox's entry goes when its record does. */
    private final Map<SandboxRecord, Contexts> contexts = Collections.synchronizedMap(new WeakHashMap<>());

    CodeApi(ServerCore core) {
        this.core = core;
    }

    /** The contexts of one sandbox. Guarded by itself. */
    private static final class Contexts {
        final Map<String, Kernel> byId = new LinkedHashMap<>();
        final Map<String, String> defaults = new LinkedHashMap<>();
    }

    private Contexts of(SandboxRecord sb) {
        return contexts.computeIfAbsent(sb, k -> new Contexts());
    }

    void handle(HttpExchange ex, SandboxRecord sb, String method, List<String> segs) throws IOException, ApiException {
        if (segs.size() == 1 && method.equals("POST")) {
            runCode(ex, sb);
        } else if (segs.size() == 1 && method.equals("DELETE")) {
            interrupt(ex, sb);
        } else if (segs.size() == 2 && segs.get(1).equals("context") && method.equals("POST")) {
            createContext(ex, sb);
        } else if (segs.size() == 2 && segs.get(1).equals("contexts") && method.equals("GET")) {
            listContexts(ex, sb);
        } else if (segs.size() == 2 && segs.get(1).equals("contexts") && method.equals("DELETE")) {
            deleteContexts(ex, sb);
        } else if (segs.size() == 3 && segs.get(1).equals("contexts") && method.equals("GET")) {
            Kernel k = lookup(sb, segs.get(2));
            if (k == null) {
                throw ApiException.notFound("CONTEXT_NOT_FOUND", "context " + segs.get(2) + " not found");
            }
            Http.json(ex, 200, describe(k, false));
        } else if (segs.size() == 3 && segs.get(1).equals("contexts") && method.equals("DELETE")) {
            if (!delete(sb, segs.get(2))) {
                throw ApiException.notFound("CONTEXT_NOT_FOUND", "context " + segs.get(2) + " not found");
            }
            Http.empty(ex, 200);
        } else {
            throw ApiException.notFound("NOT_FOUND", "no execd route " + method + " /" + String.join("/", segs));
        }
    }

    // ---------------------------------------------------------------- contexts

    private void createContext(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode req = parse(ex);
        String language = textOrEmpty(req, "language");
        String cwd = textOrEmpty(req, "cwd");
        Kernel k;
        try {
            k = start(sb, language, cwd);
        } catch (ApiException e) {
            throw new ApiException(500, RUNTIME, "error creating code context. " + e.getMessage());
        }
        synchronized (of(sb)) {
            of(sb).byId.put(k.id(), k);
        }
        Http.json(ex, 200, describe(k, true));
    }

    /** Starts an interpreter; failures carry execd's runtime message (the caller adds its prefix). */
    private Kernel start(SandboxRecord sb, String language, String cwd) throws ApiException {
        if (!SUPPORTED.contains(language)) {
            // execd asks Jupyter for a kernel spec of that language (and retries for minutes before giving up)
            throw new ApiException(500, RUNTIME, "no kernel specs found");
        }
        String dir = "/";
        if (!cwd.isEmpty()) {
            SandboxFs.Resolved r = sb.fs().resolve(cwd.startsWith("/") ? cwd : "/" + cwd, true);
            try {
                Files.createDirectories(r.host()); // execd creates the folder of the context's notebook
            } catch (IOException e) {
                throw new ApiException(500, RUNTIME, "mkdir " + cwd + ": " + e.getMessage());
            }
            dir = r.sandboxPath();
        }
        String id = UUID.randomUUID().toString();
        boolean noNetwork = !core.config().unisolated() && sb.egress().denyByDefault();
        try {
            return Kernel.start(core, sb, id, language, dir, cwd.isEmpty() ? null : cwd, noNetwork);
        } catch (IOException e) {
            throw new ApiException(
                    500, RUNTIME, e.getMessage() == null ? "cannot start the interpreter" : e.getMessage());
        }
    }

    private void listContexts(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        String language = Http.first(Http.query(ex), "language");
        language = language == null ? "" : language;
        if (language.equals("command") || language.equals("background-command") || language.equals("sql")) {
            throw new ApiException(500, RUNTIME, "unsupported language context operation: " + language);
        }
        ArrayNode out = Json.array();
        for (Kernel k : snapshot(sb)) {
            if (language.isEmpty() || k.language().equals(language)) {
                out.add(describe(k, false));
            }
        }
        Http.json(ex, 200, out);
    }

    private void deleteContexts(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        String language = Http.first(Http.query(ex), "language");
        if (language == null || language.isEmpty()) {
            throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'language'");
        }
        for (Kernel k : snapshot(sb)) {
            if (k.language().equals(language)) {
                delete(sb, k.id());
            }
        }
        Http.empty(ex, 200);
    }

    private List<Kernel> snapshot(SandboxRecord sb) {
        Contexts c = of(sb);
        synchronized (c) {
            return new ArrayList<>(c.byId.values());
        }
    }

    private @Nullable Kernel lookup(SandboxRecord sb, String id) {
        Contexts c = of(sb);
        synchronized (c) {
            return c.byId.get(id);
        }
    }

    private boolean delete(SandboxRecord sb, String id) {
        Contexts c = of(sb);
        Kernel k;
        synchronized (c) {
            k = c.byId.remove(id);
            c.defaults.values().removeIf(id::equals);
        }
        if (k == null) {
            return false;
        }
        k.kill();
        return true;
    }

    /** {@code {id, language[, cwd]}}: execd echoes the create request's cwd, and never reports it afterwards. */
    private static ObjectNode describe(Kernel k, boolean withCwd) {
        ObjectNode out = Json.object();
        out.put("id", k.id());
        out.put("language", k.language());
        String cwd = k.cwd();
        if (withCwd && cwd != null) {
            out.put("cwd", cwd);
        }
        return out;
    }

    // ---------------------------------------------------------------- runs

    private void interrupt(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        String id = Http.first(Http.query(ex), "id");
        if (id == null || id.isEmpty()) {
            throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'id'");
        }
        Kernel k = lookup(sb, id);
        if (k == null) {
            throw new ApiException(500, RUNTIME, "error interruptting code context. no such session");
        }
        k.interrupt();
        Http.empty(ex, 200);
    }

    private void runCode(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode req = parse(ex);
        String code = textOrEmpty(req, "code");
        JsonNode context = req.path("context");
        if (!context.isMissingNode() && !context.isNull() && !context.isObject()) {
            throw parseError("context must be an object");
        }
        String id = context.isObject() ? textOrEmpty((ObjectNode) context, "id") : "";
        String language = context.isObject() ? textOrEmpty((ObjectNode) context, "language") : "";
        if (code.isEmpty()) {
            throw ApiException.badRequest(
                    BAD,
                    "invalid request, validation error Key: 'RunCodeRequest.Code' Error:Field validation for 'Code'"
                            + " failed on the 'required' tag");
        }
        if (language.isEmpty() || language.equals("command") || language.equals("background-command")) {
            throw new ApiException(
                    501,
                    "NOT_SUPPORTED",
                    "the local test server runs POST /code only in a code context (context.language python or bash);"
                            + " execd would run this as a shell command: use POST /command");
        }
        if (language.equals("sql")) {
            throw new ApiException(501, "NOT_SUPPORTED", "the local test server has no SQL runtime");
        }
        if (!KERNEL_LANGUAGES.contains(language)) {
            throw new ApiException(500, RUNTIME, "error running codes unknown language: " + language);
        }
        Kernel k = id.isEmpty() ? defaultContext(sb, language) : lookup(sb, id);
        if (k == null) {
            throw new ApiException(500, RUNTIME, "error running codes context not found");
        }
        EventStream stream = new EventStream(ex);
        stream.send(EventStream.init(k.id()));
        if (!k.runLock().tryLock()) {
            appendError(ex, "error running codes session is busy");
            return;
        }
        long elapsed = -1;
        try {
            elapsed = stream(stream, k, code);
        } catch (IOException e) {
            appendError(ex, "error running codes " + e.getMessage());
            if (!k.alive()) {
                delete(sb, k.id()); // a Jupyter kernel would be restarted without its state; this one is gone
            }
        } finally {
            k.runLock().unlock();
        }
        // Only once the context is free: a client that runs its next code as soon as it reads the completion must
        // never find the context busy with the run it has just seen end.
        if (elapsed >= 0) {
            stream.send(EventStream.complete(elapsed));
        }
    }

    /** The default context of a language, created on first use as execd does when {@code context.id} is empty. */
    private Kernel defaultContext(SandboxRecord sb, String language) throws ApiException {
        Contexts c = of(sb);
        synchronized (c) {
            String id = c.defaults.get(language);
            Kernel k = id == null ? null : c.byId.get(id);
            if (k != null) {
                return k;
            }
            try {
                k = start(sb, language, "");
            } catch (ApiException e) {
                throw new ApiException(500, RUNTIME, "error running codes " + e.getMessage());
            }
            c.byId.put(k.id(), k);
            c.defaults.put(language, k.id());
            return k;
        }
    }

    /**
     * Runs the code and streams execd's events for the kernel's messages until the run ends, all but the
     * completion, which the caller sends once the context is released.
     *
     * @return the run's time in milliseconds, or -1 when the server is closing or the run outlived its limit
     */
    private long stream(EventStream stream, Kernel k, String code) throws IOException {
        long started = System.currentTimeMillis();
        long pingMs = core.config().pingInterval().toMillis();
        long nextPing = started + pingMs;
        k.run(code);
        try {
            while (!core.closed() && System.currentTimeMillis() - started < MAX_RUN_MS) {
                long wait = Math.max(1, Math.min(nextPing - System.currentTimeMillis(), 200));
                JsonNode m = k.poll(wait);
                long now = System.currentTimeMillis();
                if (now >= nextPing) {
                    stream.send(EventStream.ping());
                    nextPing = Math.max(nextPing + pingMs, now + 1);
                }
                if (m == null) {
                    continue;
                }
                switch (m.path("type").asText()) {
                    case "stream" -> {
                        String text = m.path("text").asText("");
                        if (!text.isEmpty()) {
                            stream.send(EventStream.output(m.path("name").asText("stdout"), text, now));
                        }
                    }
                    case "execute_result" -> result(stream, m);
                    case "error" -> {
                        ObjectNode status = Json.object();
                        status.put("type", "status");
                        status.put("text", "error");
                        stream.send(status);
                        ObjectNode error = Json.object();
                        error.put("type", "error");
                        ObjectNode detail = error.putObject("error");
                        detail.put("ename", m.path("ename").asText(""));
                        detail.put("evalue", m.path("evalue").asText(""));
                        detail.set("traceback", m.path("traceback").isArray() ? m.get("traceback") : Json.array());
                        stream.send(error);
                    }
                    case "done" -> {
                        return System.currentTimeMillis() - started;
                    }
                    case Kernel.EXIT ->
                        throw new IOException(
                                "the interpreter exited" + (k.stderrTail().isEmpty() ? "" : ": " + k.stderrTail()));
                    default -> {
                        // nothing else is sent by the driver
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** An {@code execute_result} as execd forwards it: the count, then the bundle with {@code text/plain} as text. */
    private static void result(EventStream stream, JsonNode m) {
        int count = m.path("execution_count").asInt(0);
        if (count > 0) {
            ObjectNode e = Json.object();
            e.put("type", "execution_count");
            e.put("execution_count", count);
            stream.send(e);
        }
        JsonNode data = m.path("data");
        if (data.isObject() && !data.isEmpty()) {
            ObjectNode e = Json.object();
            e.put("type", "result");
            ObjectNode results = e.putObject("results");
            for (Map.Entry<String, JsonNode> entry : data.properties()) {
                results.set(entry.getKey().equals("text/plain") ? "text" : entry.getKey(), entry.getValue());
            }
            stream.send(e);
        }
    }

    /**
     * What execd does when a run fails after its first event: the JSON error body is written into the open 200
     * stream, without the blank line that ends events, and the stream ends.
     */
    private static void appendError(HttpExchange ex, String message) {
        ObjectNode body = Json.object();
        body.put("code", RUNTIME);
        body.put("message", message);
        try {
            OutputStream out = ex.getResponseBody();
            out.write(Json.bytes(body));
            out.flush();
        } catch (IOException e) {
            // the client is gone
        }
    }

    private static ObjectNode parse(HttpExchange ex) throws IOException, ApiException {
        byte[] body = Http.readJsonBody(ex);
        try {
            return Json.parseObject(body, BAD);
        } catch (ApiException e) {
            throw parseError(e.getMessage());
        }
    }

    private static ApiException parseError(@Nullable String detail) {
        return ApiException.badRequest(BAD, "error parsing request, MAYBE invalid body format. " + detail);
    }

    private static String textOrEmpty(ObjectNode node, String field) throws ApiException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw parseError("field '" + field + "' must be a string");
        }
        return v.textValue();
    }
}
