package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * execd's PTY routes ({@code controller/pty_controller.go}, {@code pty_ws.go}): {@code POST /pty}, {@code GET} and
 * {@code DELETE /pty/{id}}, and the HTTP half of {@code GET /pty/{id}/ws}: the 404, 409 and handshake checks run here,
 * behind the same routing and authentication as every execd route; an accepted upgrade is handed to {@link FrontDoor}
 * (which owns the raw connection) as a ticket.
 */
final class PtyApi {
    /** Sessions one sandbox may hold (execd has no bound); a create past it is 500 {@code RUNTIME_ERROR}. */
    static final int MAX_SESSIONS = 128;

    static final String TICKET_HEADER = "X-Osb-Ws-Ticket";
    static final String FRONT_HEADER = "X-Osb-Front";

    /** An upgrade the HTTP side accepted, waiting for the front door to take over the connection. */
    record Pending(SandboxRecord sandbox, PtySession session, boolean locked, boolean pipeMode, long since) {}

    private final String frontSecret;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    PtyApi(String frontSecret) {
        this.frontSecret = frontSecret;
    }

    /** The accepted upgrade of a ticket, removed; null for an unknown ticket. */
    @Nullable
    Pending take(String ticket) {
        return pending.remove(ticket);
    }

    void handle(HttpExchange ex, SandboxRecord sb, String method, List<String> segs) throws IOException, ApiException {
        if (segs.size() == 1 && method.equals("POST")) {
            create(ex, sb);
        } else if (segs.size() == 2 && method.equals("GET")) {
            PtySession s = find(sb, segs.get(1));
            ObjectNode body = Json.object();
            body.put("session_id", s.id());
            body.put("running", s.running());
            body.put("output_offset", s.outputOffset());
            Http.json(ex, 200, body);
        } else if (segs.size() == 2 && method.equals("DELETE")) {
            PtySession s = find(sb, segs.get(1));
            s.close();
            sb.ptySessions().remove(s.id(), s);
            Http.empty(ex, 200);
        } else if (segs.size() == 3 && segs.get(2).equals("ws") && method.equals("GET")) {
            upgrade(ex, sb, segs.get(1));
        } else {
            throw ApiException.execdNoRoute();
        }
    }

    private void create(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        byte[] raw = Http.readJsonBody(ex);
        String cwd = null;
        String command = null;
        if (raw.length > 0 && !new String(raw, StandardCharsets.UTF_8).isBlank()) {
            JsonNode req;
            try {
                req = Json.MAPPER.readTree(raw);
            } catch (IOException e) {
                throw ApiException.badRequest("INVALID_REQUEST_BODY", "error parsing request: " + e.getMessage());
            }
            if (req != null && !req.isNull()) {
                if (!req.isObject()) {
                    throw ApiException.badRequest(
                            "INVALID_REQUEST_BODY",
                            "error parsing request: json: cannot unmarshal "
                                    + req.getNodeType().toString().toLowerCase(Locale.ROOT)
                                    + " into Go value of type model.CreatePTYSessionRequest");
                }
                cwd = stringField(req, "cwd");
                command = stringField(req, "command");
            }
        }
        String id = UUID.randomUUID().toString();
        String dir = "/";
        try {
            if (sb.ptySessions().size() >= MAX_SESSIONS) {
                throw new IOException("too many pty sessions in this sandbox (the testkit keeps at most " + MAX_SESSIONS
                        + "; delete some)");
            }
            if (cwd != null && !cwd.isEmpty()) {
                String path = cwd.equals("~") ? "/root" : cwd.startsWith("~/") ? "/root" + cwd.substring(1) : cwd;
                SandboxFs.Resolved r = sb.fs().resolve(path.startsWith("/") ? path : "/" + path, true);
                Files.createDirectories(r.host());
                dir = r.sandboxPath();
            }
        } catch (IOException | ApiException e) {
            // execd answers the error and then, lacking a return, its 201 body as well (one 500 response)
            ObjectNode err = Json.object();
            err.put("code", "RUNTIME_ERROR");
            err.put("message", "error creating pty session: " + e.getMessage());
            ObjectNode created = Json.object();
            created.put("session_id", id);
            byte[] a = Json.bytes(err);
            byte[] b = Json.bytes(created);
            byte[] both = new byte[a.length + b.length];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            Http.send(ex, 500, "application/json; charset=utf-8", both);
            return;
        }
        sb.ptySessions().put(id, new PtySession(id, sb, dir, command == null || command.isEmpty() ? null : command));
        ObjectNode body = Json.object();
        body.put("session_id", id);
        Http.json(ex, 201, body);
    }

    private static @Nullable String stringField(JsonNode req, String field) throws ApiException {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(
                    "INVALID_REQUEST_BODY",
                    "error parsing request: json: cannot unmarshal "
                            + v.getNodeType().toString().toLowerCase(Locale.ROOT)
                            + " into Go struct field CreatePTYSessionRequest." + field + " of type string");
        }
        return v.asText();
    }

    private static PtySession find(SandboxRecord sb, String id) throws ApiException {
        PtySession s = sb.ptySessions().get(id);
        if (s == null) {
            throw ApiException.notFound("CONTEXT_NOT_FOUND", "pty session " + id + " not found");
        }
        return s;
    }

    /** {@code GET /pty/{id}/ws}, steps 1-3 of execd's handler: 404, 409, then the handshake checks (gorilla's). */
    private void upgrade(HttpExchange ex, SandboxRecord sb, String id) throws IOException, ApiException {
        PtySession s = find(sb, id);
        Map<String, List<String>> query = Http.query(ex);
        boolean isUpgrade = tokenIn(ex, "Connection", "upgrade") && tokenIn(ex, "Upgrade", "websocket");
        boolean locked = s.tryLock();
        boolean takeover = !locked && "1".equals(Http.first(query, "takeover")) && isUpgrade;
        if (!locked && !takeover) {
            throw ApiException.conflict(
                    "ALREADY_CONNECTED", "another client is already connected to pty session " + id);
        }
        String refusal = handshakeRefusal(ex);
        if (refusal == null && !frontSecret.equals(ex.getRequestHeaders().getFirst(FRONT_HEADER))) {
            refusal = "websocket: the testkit upgrades connections on its public port only";
        }
        if (refusal != null) {
            if (locked) {
                s.unlock();
            }
            ex.getResponseHeaders().set("Sec-Websocket-Version", "13");
            Http.send(ex, 400, "text/plain; charset=utf-8", (refusal + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        String sinceText = Http.first(query, "since");
        long since = 0;
        if (sinceText != null && !sinceText.isEmpty()) {
            try {
                since = Long.parseLong(sinceText.trim());
            } catch (NumberFormatException e) {
                since = 0;
            }
        }
        String ticket = UUID.randomUUID().toString();
        pending.put(ticket, new Pending(sb, s, locked, "0".equals(Http.first(query, "pty")), since));
        ex.getResponseHeaders().set(TICKET_HEADER, ticket);
        Http.empty(ex, 200);
    }

    /** gorilla/websocket's {@code Upgrader.Upgrade} checks, with its messages; null when the handshake is valid. */
    private static @Nullable String handshakeRefusal(HttpExchange ex) {
        String proto = "websocket: the client is not using the websocket protocol: ";
        if (!tokenIn(ex, "Connection", "upgrade")) {
            return proto + "'upgrade' token not found in 'Connection' header";
        }
        if (!tokenIn(ex, "Upgrade", "websocket")) {
            return proto + "'websocket' token not found in 'Upgrade' header";
        }
        if (!tokenIn(ex, "Sec-Websocket-Version", "13")) {
            return "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header";
        }
        String key = ex.getRequestHeaders().getFirst("Sec-WebSocket-Key");
        boolean valid = false;
        if (key != null) {
            try {
                valid = Base64.getDecoder().decode(key.trim()).length == 16;
            } catch (IllegalArgumentException e) {
                valid = false;
            }
        }
        if (!valid) {
            return "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value"
                    + " of 16-byte in length";
        }
        return null;
    }

    private static boolean tokenIn(HttpExchange ex, String header, String token) {
        List<String> values = ex.getRequestHeaders().get(header);
        if (values == null) {
            return false;
        }
        for (String v : values) {
            for (String t : v.split(",", -1)) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
