package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * execd ({@code execd-api.yaml}): ping, commands, bash sessions, metrics; files are in {@link FilesApi}, the code
 * interpreter in {@link CodeApi}.
 */
final class ExecdApi {
    private static final String BAD = "INVALID_REQUEST_BODY";
    private static final int MAX_COMMANDS_KEPT = 1000;
    private static final long MAX_STREAM_MS = TimeUnit.HOURS.toMillis(24);
    private static final long PIPE_DRAIN_MS = 2000;

    private final ServerCore core;
    private final FilesApi files;
    private final CodeApi code;
    private final PtyApi pty;

    ExecdApi(ServerCore core, Registry registry, PtyApi pty) {
        this.core = core;
        this.pty = pty;
        this.files = new FilesApi(registry);
        this.code = new CodeApi(core);
    }

    void handle(HttpExchange ex, SandboxRecord sb, String path) throws IOException, ApiException {
        String state = sb.state();
        if (!state.equals("Running")) {
            throw new ApiException(
                    503, "SANDBOX_NOT_RUNNING", "sandbox " + sb.id() + " is " + state + "; execd is not reachable");
        }
        String method = Http.method(ex);
        List<String> segs = ServerCore.segments(path);
        String first = segs.isEmpty() ? "" : segs.get(0);
        switch (first) {
            case "ping" -> {
                Http.empty(ex, 200);
                return;
            }
            case "command" -> {
                command(ex, sb, method, segs);
                return;
            }
            case "session" -> {
                session(ex, sb, method, segs);
                return;
            }
            case "files", "directories" -> {
                files.handle(ex, sb, method, segs);
                return;
            }
            case "metrics" -> {
                if (segs.size() == 1 && method.equals("GET")) {
                    Http.json(ex, 200, Metrics.sample(200));
                    return;
                }
                if (segs.size() == 2 && segs.get(1).equals("watch") && method.equals("GET")) {
                    watchMetrics(ex);
                    return;
                }
            }
            case "code" -> {
                code.handle(ex, sb, method, segs);
                return;
            }
            case "pty" -> {
                pty.handle(ex, sb, method, segs);
                return;
            }
            default -> {}
        }
        throw ApiException.execdNoRoute();
    }

    // ---------------------------------------------------------------- commands

    private void command(HttpExchange ex, SandboxRecord sb, String method, List<String> segs)
            throws IOException, ApiException {
        if (segs.size() == 1 && method.equals("POST")) {
            runCommand(ex, sb);
        } else if (segs.size() == 1 && method.equals("DELETE")) {
            String id = Http.first(Http.query(ex), "id");
            if (id == null || id.isEmpty()) {
                throw ApiException.badRequest("MISSING_QUERY", "missing query parameter 'id'");
            }
            CommandRecord rec = sb.commands().get(id);
            if (rec == null) {
                // codeinterpreting.go interrupt(): every error of the runtime's Interrupt is a 500
                throw new ApiException(500, "RUNTIME_ERROR", "error interruptting code context. no such session");
            }
            Process running = rec.process();
            if (running == null || !running.isAlive()) {
                throw new ApiException(
                        500,
                        "RUNTIME_ERROR",
                        "error interruptting code context. command session " + id + " is not running");
            }
            interrupt(rec);
            Http.empty(ex, 200);
        } else if (segs.size() == 3 && segs.get(1).equals("status") && method.equals("GET")) {
            CommandRecord rec = sb.commands().get(segs.get(2));
            if (rec == null) {
                // command.go: RespondError(http.StatusNotFound, model.ErrorCodeInvalidRequest, ...)
                throw ApiException.notFound(BAD, "command " + segs.get(2) + " not found");
            }
            Http.json(ex, 200, rec.statusJson());
        } else if (segs.size() == 3 && segs.get(2).equals("logs") && method.equals("GET")) {
            CommandRecord rec = sb.commands().get(segs.get(1));
            if (rec == null) {
                throw ApiException.badRequest(BAD, "command " + segs.get(1) + " not found");
            }
            String cursorText = Http.first(Http.query(ex), "cursor");
            long cursor = 0;
            if (cursorText != null && !cursorText.isEmpty()) {
                try {
                    cursor = Long.parseLong(cursorText);
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest(BAD, "cursor must be a non-negative integer");
                }
                if (cursor < 0) {
                    throw ApiException.badRequest(BAD, "cursor must be a non-negative integer");
                }
            }
            CommandRecord.LogSlice slice = rec.logs(cursor);
            ex.getResponseHeaders().set("EXECD-COMMANDS-TAIL-CURSOR", Long.toString(slice.cursor()));
            Http.text(ex, 200, slice.content());
        } else {
            throw ApiException.execdNoRoute();
        }
    }

    private void interrupt(CommandRecord rec) {
        Process p = rec.process();
        if (p == null || !p.isAlive()) {
            return;
        }
        // runtime/interrupt.go killPid: SIGTERM to the process group, SIGKILL when it is still there after 3 s
        Launcher.signal(p, "TERM");
        var unused = core.scheduler().schedule(() -> Launcher.kill(p), 3, TimeUnit.SECONDS);
    }

    private void runCommand(HttpExchange ex, SandboxRecord sb) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        String command = Json.requiredText(req, "command", BAD);
        if (command.isBlank() || command.indexOf('\0') >= 0) {
            throw ApiException.badRequest(BAD, "command must be a non-empty string without NUL characters");
        }
        String cwd = workingDir(sb, Json.text(req, "cwd", BAD));
        JsonNode bg = req.get("background");
        if (bg != null && !bg.isNull() && !bg.isBoolean()) {
            throw ApiException.badRequest(BAD, "background must be a boolean");
        }
        boolean background = bg != null && bg.asBoolean(false);
        long timeout = nonNegativeLong(req, "timeout");
        if (req.hasNonNull("timeout") && timeout < 1) {
            throw ApiException.badRequest(BAD, "timeout must be >= 1 millisecond");
        }
        Integer uid = optionalId(req, "uid");
        Integer gid = optionalId(req, "gid");
        if (gid != null && uid == null) {
            throw ApiException.badRequest(BAD, "gid requires uid");
        }
        Map<String, String> envs = envs(req.get("envs"));

        String id = UUID.randomUUID().toString();
        CommandRecord rec = new CommandRecord(id, command, !background);
        Process p;
        try {
            p = core.launcher().start(new Launcher.Spec(sb, command, cwd, envs, uid, gid, denyNetwork(sb)));
        } catch (IOException e) {
            throw new ApiException(500, "RUNTIME_ERROR", "could not start command: " + e.getMessage());
        }
        p.getOutputStream().close();
        rec.process(p);
        trim(sb.commands());
        sb.commands().put(id, rec);
        LinePump.start(core.io(), p.getInputStream(), "stdout", rec);
        LinePump.start(core.io(), p.getErrorStream(), "stderr", rec);
        long started = System.currentTimeMillis();
        EventStream stream = new EventStream(ex);
        stream.send(EventStream.init(id));
        if (background) {
            var unused = p.onExit().thenAccept(h -> rec.finish(h.exitValue(), null));
            if (timeout > 0) {
                var unusedKill = core.scheduler().schedule(() -> Launcher.kill(p), timeout, TimeUnit.MILLISECONDS);
            }
            stream.send(EventStream.complete(System.currentTimeMillis() - started));
            grace();
            return;
        }
        BlockingQueue<CommandRecord.Item> q = rec.live();
        Outcome outcome = pump(stream, p, timeout, started, false, item -> {
            if (q == null) {
                return null;
            }
            return q.poll(item, TimeUnit.MILLISECONDS);
        });
        int exit = outcome.exit;
        if (outcome.timedOut) {
            rec.finish(exit, "command timed out after " + timeout + " ms");
            stream.send(EventStream.error(
                    "CommandExecError",
                    Integer.toString(exit),
                    "command timed out after " + timeout + " ms (killed, exit status " + exit + ")"));
        } else if (exit == 0) {
            rec.finish(0, null);
            stream.send(EventStream.complete(Math.max(1, System.currentTimeMillis() - started)));
        } else {
            rec.finish(exit, "exit status " + exit);
            stream.send(EventStream.error("CommandExecError", Integer.toString(exit), "exit status " + exit));
        }
        grace();
    }

    private boolean denyNetwork(SandboxRecord sb) {
        return !core.config().unisolated() && sb.egress().denyByDefault();
    }

    /** Polls the next output item, waiting at most the given milliseconds. */
    private interface Source {
        CommandRecord.@Nullable Item poll(long millis) throws InterruptedException;
    }

    private record Outcome(int exit, boolean timedOut) {}

    /** Streams output items until both pipes end (or the process is gone and the pipes stay silent). */
    private Outcome pump(EventStream stream, Process p, long timeoutMs, long started, boolean session, Source source) {
        long pingMs = core.config().pingInterval().toMillis();
        long deadline = timeoutMs > 0 ? started + timeoutMs : Long.MAX_VALUE;
        long nextPing = started + pingMs;
        long exitSeen = -1;
        boolean timedOut = false;
        int eofs = 0;
        try {
            while (eofs < 2) {
                long now = System.currentTimeMillis();
                if (now - started > MAX_STREAM_MS || (!session && stream.broken() && p.isAlive())) {
                    Launcher.kill(p);
                }
                if (!timedOut && now >= deadline) {
                    timedOut = true;
                    Launcher.kill(p);
                }
                if (!p.isAlive()) {
                    if (exitSeen < 0) {
                        exitSeen = now;
                    } else if (now - exitSeen > PIPE_DRAIN_MS) {
                        break; // a background child keeps the pipes open; stop waiting for it
                    }
                }
                long wait = Math.max(1, Math.min(Math.min(nextPing, deadline) - now, 200));
                CommandRecord.Item item = source.poll(wait);
                // on a timer, whether output flows or not (as execd does)
                long afterPoll = System.currentTimeMillis();
                if (afterPoll >= nextPing) {
                    stream.send(EventStream.ping());
                    nextPing = Math.max(nextPing + pingMs, afterPoll + 1);
                }
                if (item == null) {
                    continue;
                }
                String text = item.text();
                if (text == null) {
                    eofs++;
                } else {
                    stream.send(EventStream.output(item.type(), text, item.timestamp()));
                }
            }
            if (session && !timedOut) {
                return new Outcome(p.isAlive() ? 0 : p.exitValue(), false);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                Launcher.kill(p);
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Launcher.kill(p);
        }
        int exit = p.isAlive() ? -1 : p.exitValue();
        return new Outcome(exit, timedOut);
    }

    private void grace() {
        try {
            Thread.sleep(core.config().gracePeriod().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void trim(Map<String, CommandRecord> commands) {
        if (commands.size() < MAX_COMMANDS_KEPT) {
            return;
        }
        Iterator<Map.Entry<String, CommandRecord>> it = commands.entrySet().iterator();
        while (it.hasNext() && commands.size() >= MAX_COMMANDS_KEPT) {
            if (!it.next().getValue().running()) {
                it.remove();
            }
        }
    }

    private String workingDir(SandboxRecord sb, @Nullable String cwd) throws ApiException {
        if (cwd == null || cwd.isEmpty()) {
            return "/";
        }
        SandboxFs.Resolved r = sb.fs().resolve(cwd.startsWith("/") ? cwd : "/" + cwd, true);
        if (!Files.isDirectory(r.host())) {
            throw ApiException.badRequest(BAD, "working directory " + cwd + " does not exist");
        }
        return r.sandboxPath();
    }

    private static long nonNegativeLong(JsonNode req, String field) throws ApiException {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || n.longValue() < 0) {
            throw ApiException.badRequest(BAD, field + " must be a non-negative integer");
        }
        return n.longValue();
    }

    private static @Nullable Integer optionalId(JsonNode req, String field) throws ApiException {
        JsonNode n = req.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
            throw ApiException.badRequest(BAD, field + " must be a non-negative 32-bit integer");
        }
        return n.intValue();
    }

    private static Map<String, String> envs(@Nullable JsonNode node) throws ApiException {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest(BAD, "envs must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().indexOf('\0') >= 0) {
                throw ApiException.badRequest(BAD, "invalid environment variable name '" + e.getKey() + "'");
            }
            if (!e.getValue().isTextual() || e.getValue().textValue().indexOf('\0') >= 0) {
                throw ApiException.badRequest(BAD, "environment variable " + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    // ---------------------------------------------------------------- sessions

    private void session(HttpExchange ex, SandboxRecord sb, String method, List<String> segs)
            throws IOException, ApiException {
        if (segs.size() == 1 && method.equals("POST")) {
            byte[] body = Http.readJsonBody(ex);
            String cwd = null;
            if (body.length > 0) {
                ObjectNode req = Json.parseObject(body, BAD);
                cwd = Json.text(req, "cwd", BAD);
            }
            String dir = workingDir(sb, cwd);
            String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            Process p;
            try {
                p = core.launcher().start(new Launcher.Spec(sb, null, dir, Map.of(), null, null, denyNetwork(sb)));
            } catch (IOException e) {
                throw new ApiException(500, "RUNTIME_ERROR", "could not start bash: " + e.getMessage());
            }
            BashSession s = new BashSession(id, p);
            LinePump.start(core.io(), p.getInputStream(), "stdout", s);
            LinePump.start(core.io(), p.getErrorStream(), "stderr", s);
            sb.sessions().put(id, s);
            ObjectNode out = Json.object();
            out.put("session_id", id);
            Http.json(ex, 200, out);
            return;
        }
        if (segs.size() == 2 && method.equals("DELETE")) {
            BashSession s = sb.sessions().remove(segs.get(1));
            if (s == null) {
                throw ApiException.notFound("CONTEXT_NOT_FOUND", "session " + segs.get(1) + " not found");
            }
            s.kill();
            Http.empty(ex, 200);
            return;
        }
        if (segs.size() == 3 && segs.get(2).equals("run") && method.equals("POST")) {
            BashSession s = sb.sessions().get(segs.get(1));
            if (s == null) {
                // codeinterpreting.go RunInSession: the runtime's ErrContextNotFound becomes a 500
                throw new ApiException(500, "RUNTIME_ERROR", "error running in session. context not found");
            }
            runInSession(ex, sb, s);
            return;
        }
        throw ApiException.execdNoRoute();
    }

    private void runInSession(HttpExchange ex, SandboxRecord sb, BashSession s) throws IOException, ApiException {
        ObjectNode req = Json.parseObject(Http.readJsonBody(ex), BAD);
        String command = Json.requiredText(req, "command", BAD);
        if (command.indexOf('\0') >= 0) {
            throw ApiException.badRequest(BAD, "command must not contain NUL characters");
        }
        String cwd = Json.text(req, "cwd", BAD);
        if (cwd != null && !cwd.isEmpty()) {
            cwd = workingDir(sb, cwd);
            if (core.config().unisolated()) {
                cwd = sb.fs().resolve(cwd, true).host().toString(); // the shell sees host paths there
            }
        } else {
            cwd = null;
        }
        long timeout = nonNegativeLong(req, "timeout");
        if (!s.process().isAlive()) {
            sb.sessions().remove(s.id());
            throw new ApiException(410, "SESSION_NOT_FOUND", "session " + s.id() + " has exited");
        }
        if (!s.runLock().tryLock()) {
            throw ApiException.conflict("SESSION_BUSY", "session " + s.id() + " is already running a command");
        }
        try {
            s.lines().clear();
            String marker;
            try {
                marker = s.submit(command, cwd);
            } catch (IOException e) {
                throw new ApiException(500, "RUNTIME_ERROR", "session shell is gone: " + e.getMessage());
            }
            long started = System.currentTimeMillis();
            EventStream stream = new EventStream(ex);
            stream.send(EventStream.init(s.id()));
            int[] exitHolder = {Integer.MIN_VALUE};
            boolean[] stderrDone = {false};
            long[] stdoutDoneAt = {-1};
            Outcome outcome = pump(stream, s.process(), timeout, started, true, millis -> {
                if (exitHolder[0] != Integer.MIN_VALUE
                        && (stderrDone[0] || System.currentTimeMillis() - stdoutDoneAt[0] > 2000)) {
                    return new CommandRecord.Item("stdout", null, 0); // synthetic end, twice
                }
                BashSession.Line line = s.lines().poll(millis, TimeUnit.MILLISECONDS);
                if (line == null) {
                    return null;
                }
                String text = line.text();
                if (text == null) {
                    return new CommandRecord.Item(line.type(), null, line.timestamp());
                }
                int at = text.indexOf(marker);
                if (at < 0) {
                    return new CommandRecord.Item(line.type(), text, line.timestamp());
                }
                if (line.type().equals("stdout")) {
                    try {
                        exitHolder[0] = Integer.parseInt(
                                text.substring(at + marker.length()).trim());
                    } catch (NumberFormatException e) {
                        exitHolder[0] = 1;
                    }
                    stdoutDoneAt[0] = System.currentTimeMillis();
                } else {
                    stderrDone[0] = true;
                }
                String before = text.substring(0, at);
                return before.isEmpty() ? null : new CommandRecord.Item(line.type(), before, line.timestamp());
            });
            int exit;
            if (outcome.timedOut || exitHolder[0] == Integer.MIN_VALUE) {
                // the shell itself ended (e.g. "exit 7") or was killed: its exit status is the run's
                sb.sessions().remove(s.id());
                try {
                    s.process().waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exit = s.process().isAlive() ? outcome.exit : s.process().exitValue();
            } else {
                exit = exitHolder[0];
            }
            if (outcome.timedOut) {
                stream.send(EventStream.error(
                        "CommandExecError",
                        Integer.toString(exit),
                        "command timed out after " + timeout + " ms; the session was killed"));
            } else if (exit == 0) {
                stream.send(EventStream.complete(Math.max(1, System.currentTimeMillis() - started)));
            } else {
                stream.send(EventStream.error("CommandExecError", Integer.toString(exit), "exit status " + exit));
            }
        } finally {
            s.runLock().unlock();
        }
        // like execd: the session is free for the next run while this stream waits out its grace period
        grace();
    }

    // ---------------------------------------------------------------- metrics

    private void watchMetrics(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        long end = System.currentTimeMillis() + MAX_STREAM_MS;
        while (!core.closed() && System.currentTimeMillis() < end) {
            ObjectNode m = Metrics.sample(1000);
            out.write(Json.bytes(m));
            out.write('\n');
            out.flush(); // throws once the client is gone
        }
    }
}
