package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** execd's PTY routes ({@code /pty}, {@code /pty/{id}}, WebSocket {@code /pty/{id}/ws}) against the testkit. */
class PtyTest {
    static LocalSandboxServer server;
    static TestClient c;
    static String sandbox;
    static TestClient.Endpoint ep;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .ptyPingInterval(Duration.ofMillis(200))
                .start();
        c = new TestClient(server);
        sandbox = c.createSandbox("");
        ep = c.endpoint(sandbox, 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> execd(String method, String path, String body) {
        Map<String, String> h = new LinkedHashMap<>(ep.headers());
        return c.send(method, ep.base() + path, body, h);
    }

    static String create(String body) {
        HttpResponse<String> r = execd("POST", "/pty", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = TestClient.json(r);
        assertThat(n.size()).isEqualTo(1);
        return n.path("session_id").asText();
    }

    static PtyTerm attach(String id, String query) {
        PtyTerm t = PtyTerm.connect(HTTP, ep, id, query);
        t.await(x -> !x.texts().isEmpty(), 20, "the connected frame");
        return t;
    }

    static void bye(PtyTerm t, String id) {
        t.ws.abort();
        execd("DELETE", "/pty/" + id, null);
    }

    @Test
    void create_doesNotStartTheShell_theFirstWebSocketDoes() {
        String id = create("{\"cwd\":\"/tmp/pty-cwd\"}");
        JsonNode before = TestClient.json(execd("GET", "/pty/" + id, null));
        assertThat(before.toString())
                .isEqualTo("{\"session_id\":\"" + id + "\",\"running\":false,\"output_offset\":0}");
        PtyTerm t = attach(id, "");
        assertThat(t.texts().get(0))
                .isEqualTo("{\"type\":\"connected\",\"session_id\":\"" + id + "\",\"mode\":\"pty\"}\n");
        t.type("pwd; echo E''ND\n");
        t.awaitOutput("END", 20);
        assertThat(t.stdout()).contains("/tmp/pty-cwd\r\n");
        JsonNode after = TestClient.json(execd("GET", "/pty/" + id, null));
        assertThat(after.path("running").asBoolean()).isTrue();
        assertThat(after.path("output_offset").asLong()).isPositive();
        bye(t, id);
    }

    @Test
    void upgrade_onAKeptAliveConnection_thatCarriedPlainRequestsFirst() {
        // one HttpClient for REST and the WebSocket: the JDK reuses the pooled connection for the upgrade
        HttpClient shared = HttpClient.newHttpClient();
        HttpResponse<String> r = c.send("POST", ep.base() + "/pty", "{}", ep.headers());
        String id = TestClient.json(r).path("session_id").asText();
        for (int i = 0; i < 3; i++) {
            getOn(shared, "/pty/" + id);
        }
        PtyTerm t = PtyTerm.connect(shared, ep, id, "");
        t.type("echo ke''pt\n");
        t.awaitOutput("kept", 20);
        t.ws.abort();
        assertThat(getOn(shared, "/pty/" + id)).isEqualTo(200);
        execd("DELETE", "/pty/" + id, null);
    }

    @Test
    void tty_reportsATerminal() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("tty; test -t 0 && echo IS''ATTY\n");
        t.awaitOutput("ISATTY", 20);
        assertThat(Pattern.compile("\r\n/dev/pts/[0-9]+\r\n")
                        .matcher(t.stdout())
                        .find())
                .as(t.stdout())
                .isTrue();
        bye(t, id);
    }

    @Test
    void echoHi_roundTripsThroughBash() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("echo hi\n");
        t.await(x -> Pattern.compile("\r\nhi\r\n").matcher(x.stdout()).find(), 20, "hi on its own line");
        bye(t, id);
    }

    @Test
    void prompt_withoutNewline_arrivesAtOnce() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("PS1='READY''> '\n");
        // the prompt is the last output and ends without a newline: it was sent as soon as bash wrote it
        t.await(x -> x.stdout().endsWith("READY> "), 20, "the prompt");
        bye(t, id);
    }

    @Test
    void resize_isSeenBySttySize() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("stty size; echo E''ND1\n");
        t.awaitOutput("END1", 20);
        assertThat(t.stdout()).contains("\r\n24 80\r\n");
        t.sendText("{\"type\":\"resize\",\"cols\":123,\"rows\":45}");
        // the resize and the typed line travel separately; ask a few times (bounded) until the shell sees it
        for (int i = 0; i < 10 && !t.stdout().contains("\r\n45 123\r\n"); i++) {
            t.type("stty size; echo E''ND" + (i + 10) + "\n");
            t.awaitOutput("END" + (i + 10), 20);
        }
        assertThat(t.stdout()).contains("\r\n45 123\r\n");
        bye(t, id);
    }

    @Test
    void ctrlC_onStdin_interruptsSleep() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("sleep 100; echo SL''EPT\n");
        t.awaitOutput("sleep 100", 20);
        sleepMs(300);
        t.type("\u0003");
        t.type("echo AF''TER$((40+2))\n");
        t.awaitOutput("AFTER42", 10);
        assertThat(t.stdout()).contains("^C").doesNotContain("SLEPT");
        bye(t, id);
    }

    @Test
    void signalFrame_reachesTheShell() {
        String id =
                create("{\"command\":\"trap 'echo GOT''INT; exit 3' INT; echo RE''ADY; while :; do sleep 0.1; done\"}");
        PtyTerm t = attach(id, "");
        t.awaitOutput("READY", 20);
        t.sendText("{\"type\":\"signal\",\"signal\":\"SIGINT\"}");
        t.await(x -> x.close() != null, 20, "the close after the exit");
        assertThat(t.stdout()).contains("GOTINT");
        assertThat(t.texts()).last().isEqualTo("{\"type\":\"exit\",\"exit_code\":3}\n");
        execd("DELETE", "/pty/" + id, null);
    }

    @Test
    void exit_sendsTheExitFrameThenClose1000() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("exit 7\n");
        t.await(x -> x.close() != null, 20, "the close");
        assertThat(t.texts()).last().isEqualTo("{\"type\":\"exit\",\"exit_code\":7}\n");
        assertThat(t.close().closeCode()).isEqualTo(1000);
        assertThat(t.close().text()).isEqualTo("process exited");
        JsonNode status = TestClient.json(execd("GET", "/pty/" + id, null));
        assertThat(status.path("running").asBoolean()).isFalse();
        execd("DELETE", "/pty/" + id, null);
    }

    @Test
    void pipeMode_separatesStdoutAndStderr() {
        String id = create("");
        PtyTerm t = attach(id, "pty=0");
        assertThat(t.texts().get(0))
                .isEqualTo("{\"type\":\"connected\",\"session_id\":\"" + id + "\",\"mode\":\"pipe\"}\n");
        t.type("echo out; echo err >&2; tty; echo DONE\n");
        t.awaitOutput("DONE", 20);
        t.await(x -> x.channelText(2).contains("err"), 20, "stderr");
        assertThat(t.channelText(1)).isEqualTo("out\nnot a tty\nDONE\n");
        assertThat(t.channelText(2)).isEqualTo("err\n");
        bye(t, id);
    }

    @Test
    void reconnect_withSince_losesNothingAndDuplicatesNothing() {
        String id = create("{\"command\":\"echo one; read x; echo two-$x; sleep 0.5; echo three; read y\"}");
        PtyTerm a = attach(id, "pty=0");
        a.awaitOutput("one", 20);
        a.type("X\n");
        a.awaitOutput("two-X", 20);
        long since = a.received();
        a.ws.abort();
        // "three" is written while nobody is attached
        sleepMs(1500);
        long total = TestClient.json(execd("GET", "/pty/" + id, null))
                .path("output_offset")
                .asLong();
        assertThat(total).isGreaterThan(since);
        PtyTerm b = attach(id, "pty=0&since=" + since);
        PtyTerm.Frame replay = b.frames().get(0);
        assertThat(replay.channel()).isEqualTo(3);
        assertThat(replay.replayOffset()).isEqualTo(since);
        assertThat(b.texts().get(0)).startsWith("{\"type\":\"connected\"");
        assertThat(a.stdout() + b.stdout()).isEqualTo("one\ntwo-X\nthree\n");
        b.ws.abort();
        sleepMs(200);
        // caught up: no replay frame, the connected frame first
        PtyTerm d = attach(id, "pty=0&since=" + total);
        assertThat(d.frames().get(0).kind()).isEqualTo('t');
        d.ws.abort();
        sleepMs(200);
        PtyTerm all = attach(id, "pty=0&since=0");
        assertThat(all.frames().get(0).replayOffset()).isZero();
        assertThat(all.stdout()).isEqualTo("one\ntwo-X\nthree\n");
        bye(all, id);
    }

    @Test
    void secondAttach_is409_unlessTakeover() throws Exception {
        String id = create("");
        PtyTerm a = attach(id, "");
        assertThatThrownBy(() -> PtyTerm.open(HTTP, ep, id, "").get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(409));
        HttpResponse<String> plain = execd("GET", "/pty/" + id + "/ws", null);
        assertThat(plain.statusCode()).isEqualTo(409);
        assertThat(plain.body())
                .isEqualTo("{\"code\":\"ALREADY_CONNECTED\",\"message\":\"another client is already connected to pty"
                        + " session " + id + "\"}");
        // the refused attempts did not disturb the holder
        a.type("echo st''ill-here\n");
        a.awaitOutput("still-here", 20);

        PtyTerm b = attach(id, "takeover=1");
        a.await(x -> x.close() != null, 20, "the taken-over side's close");
        assertThat(a.close().closeCode()).isEqualTo(4001);
        assertThat(a.close().text()).isEqualTo("TAKEN_OVER");
        // the same shell: its variable survives the handover
        b.type("echo $((6*7))-same\n");
        b.awaitOutput("42-same", 20);
        bye(b, id);
    }

    @Test
    void unknownSession_is404_beforeTheUpgrade() {
        HttpResponse<String> r = execd("GET", "/pty/no-such-session", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body())
                .isEqualTo("{\"code\":\"CONTEXT_NOT_FOUND\",\"message\":\"pty session no-such-session not found\"}");
        assertThat(execd("DELETE", "/pty/no-such-session", null).statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> PtyTerm.open(HTTP, ep, "no-such-session", "").get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(
                                ((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(404));
    }

    @Test
    void delete_killsTheShell_andTheAttachedSideGetsExitAndClose() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.type("echo RE''ADY\n");
        t.awaitOutput("READY", 20);
        HttpResponse<String> r = execd("DELETE", "/pty/" + id, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        t.await(x -> x.close() != null, 20, "the close");
        assertThat(t.texts()).last().isEqualTo("{\"type\":\"exit\",\"exit_code\":-1}\n");
        assertThat(t.close().closeCode()).isEqualTo(1000);
        assertThat(execd("GET", "/pty/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void frames_pingPongAndErrors() {
        String id = create("");
        PtyTerm t = attach(id, "");
        t.sendText("{\"type\":\"ping\"}");
        t.await(x -> x.texts().contains("{\"type\":\"pong\"}\n"), 20, "pong");
        t.sendText("{\"type\":\"bogus\"}");
        t.await(
                x -> x.texts()
                        .contains(
                                "{\"type\":\"error\",\"error\":\"unknown frame type \\\"bogus\\\"\",\"code\":\"INVALID_FRAME\"}\n"),
                20,
                "the INVALID_FRAME error");
        t.sendText("not json"); // ignored, as execd does
        t.sendText("{\"type\":\"stdin\",\"data\":\"echo via''text\\n\"}");
        t.awaitOutput("viatext", 20);
        // server pings every ptyPingInterval (200 ms here; execd: 30 s)
        t.await(x -> x.pings() >= 2, 20, "server pings");
        bye(t, id);
    }

    @Test
    void sandboxDelete_endsItsPtySessions() {
        String other = c.createSandbox("");
        TestClient.Endpoint oep = c.endpoint(other, 44772, false);
        HttpResponse<String> r = c.send("POST", oep.base() + "/pty", "{}", oep.headers());
        String id = TestClient.json(r).path("session_id").asText();
        PtyTerm t = PtyTerm.connect(HTTP, oep, id, "");
        t.await(x -> !x.texts().isEmpty(), 20, "connected");
        assertThat(c.api("DELETE", "/sandboxes/" + other, null).statusCode()).isEqualTo(204);
        t.await(x -> x.close() != null || x.frames().stream().anyMatch(f -> f.kind() == 'e'), 20, "the end");
    }

    static int getOn(HttpClient http, String path) {
        java.net.http.HttpRequest.Builder b =
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(ep.base() + path));
        ep.headers().forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
