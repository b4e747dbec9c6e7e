package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CommandsTest {
    static LocalSandboxServer server;
    static TestClient c;
    static String id;
    static TestClient.Endpoint ep;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .gracePeriod(Duration.ofMillis(100))
                .pingInterval(Duration.ofMillis(300))
                .start();
        c = new TestClient(server);
        id = c.createSandbox("\"env\":{\"SANDBOX_VAR\":\"from-create\"}");
        ep = c.endpoint(id, 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void run_streamsLinesAsTheyAreProduced() {
        List<TestClient.Event> events = c.run(ep, "echo a; sleep 1; echo b");
        assertThat(TestClient.types(events)).startsWith("init").endsWith("execution_complete");
        assertThat(TestClient.texts(events, "stdout")).containsExactly("a", "b");
        TestClient.Event a = events.stream()
                .filter(e -> e.json().path("text").asText().equals("a"))
                .findFirst()
                .orElseThrow();
        TestClient.Event b = events.stream()
                .filter(e -> e.json().path("text").asText().equals("b"))
                .findFirst()
                .orElseThrow();
        // "a" arrived well before "b": it was not buffered until the command ended
        assertThat(b.arrivedAtMs() - a.arrivedAtMs()).isGreaterThanOrEqualTo(200);
        // ping events flow while the command sleeps
        assertThat(TestClient.types(events)).contains("ping");
        JsonNode ping = events.stream()
                .filter(e -> e.json().path("type").asText().equals("ping"))
                .findFirst()
                .orElseThrow()
                .json();
        assertThat(ping.path("text").asText()).isEqualTo("pong");
    }

    @Test
    void run_sendsPingsOnATimer_evenWhileOutputFlows() {
        // `yes` writes 1,000-byte lines for 1.5 s, far faster than the server sends them and the reader (~1 ms per 20
        // lines) takes them: the server's queue of output never runs dry while the command runs, however much the
        // sockets on the way buffer, so a ping sent only when no output waits would never come in that window;
        // execd pings on a timer (300 ms here)
        int[] seen = {0};
        List<TestClient.Event> events = c.stream(
                ep, "/command", "{\"command\":\"timeout 1.5 yes $(printf %01000d 0)\"}", new StringBuilder(), e -> {
                    if (e.json().path("type").asText().equals("stdout") && ++seen[0] % 20 == 0) {
                        TestClient.sleep(1);
                    }
                });
        List<String> types = TestClient.types(events);
        assertThat(TestClient.texts(events, "stdout")).hasSizeGreaterThan(1_000);
        long pingsWhileOutputFlows = types.subList(types.indexOf("stdout"), types.lastIndexOf("stdout")).stream()
                .filter("ping"::equals)
                .count();
        assertThat(pingsWhileOutputFlows).isGreaterThanOrEqualTo(3);
    }

    @Test
    void run_writesExecdsExactEventBytes() {
        StringBuilder raw = new StringBuilder();
        List<TestClient.Event> all = c.stream(ep, "/command", "{\"command\":\"printf 'x\\\\n\\\\ny'\"}", raw);
        // pings may come between any two events on a loaded machine; they are checked elsewhere
        List<TestClient.Event> events = all.stream()
                .filter(e -> !e.json().path("type").asText().equals("ping"))
                .toList();
        String body = raw.toString();
        // each event: one JSON object line, then an empty line; no "data:" prefix
        assertThat(body).doesNotContain("data:");
        String[] blocks = body.split("\n\n", -1);
        assertThat(blocks[blocks.length - 1]).isEmpty();
        for (int i = 0; i < blocks.length - 1; i++) {
            assertThat(blocks[i]).startsWith("{").endsWith("}").doesNotContain("\n");
        }
        JsonNode init = events.get(0).json();
        assertThat(init.get("type").asText()).isEqualTo("init");
        assertThat(init.get("text").asText()).isNotBlank();
        assertThat(init.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(events.get(0).raw()).matches("\\{\"type\":\"init\",\"text\":\"[^\"]+\",\"timestamp\":\\d+}");
        // an empty output line is an event without "text" (zero values are omitted)
        assertThat(events.get(1).raw()).matches("\\{\"type\":\"stdout\",\"text\":\"x\",\"timestamp\":\\d+}");
        assertThat(events.get(2).raw()).matches("\\{\"type\":\"stdout\",\"timestamp\":\\d+}");
        assertThat(events.get(3).raw()).matches("\\{\"type\":\"stdout\",\"text\":\"y\",\"timestamp\":\\d+}");
        assertThat(events.get(4).raw())
                .matches("\\{\"type\":\"execution_complete\",\"execution_time\":\\d+,\"timestamp\":\\d+}");
    }

    @Test
    void run_whenCommandFails_reportsExitCodeAndNoCompletion() {
        List<TestClient.Event> events = c.run(ep, "echo oops >&2; exit 3");
        assertThat(TestClient.types(events)).doesNotContain("execution_complete");
        assertThat(TestClient.texts(events, "stderr")).containsExactly("oops");
        JsonNode last = events.get(events.size() - 1).json();
        assertThat(last.get("type").asText()).isEqualTo("error");
        assertThat(last.path("error").path("ename").asText()).isEqualTo("CommandExecError");
        assertThat(last.path("error").path("evalue").asText()).isEqualTo("3");
        assertThat(last.path("error").path("traceback").get(0).asText()).isEqualTo("exit status 3");
        List<TestClient.Event> notFound = c.run(ep, "no-such-command-xyz");
        assertThat(notFound.get(notFound.size() - 1)
                        .json()
                        .path("error")
                        .path("evalue")
                        .asText())
                .isEqualTo("127");
    }

    @Test
    void run_appliesEnvsCwdAndValidates() {
        List<TestClient.Event> events = c.stream(
                ep,
                "/command",
                "{\"command\":\"echo $SANDBOX_VAR $MY_VAR; pwd\",\"cwd\":\"/tmp\",\"envs\":{\"MY_VAR\":\"v1\"}}",
                new StringBuilder());
        assertThat(TestClient.texts(events, "stdout")).containsExactly("from-create v1", "/tmp");
        HttpResponse<String> badCwd = c.call(ep, "POST", "/command", "{\"command\":\"true\",\"cwd\":\"/nope\"}");
        assertThat(badCwd.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(badCwd).get("code").asText()).isEqualTo("INVALID_REQUEST_BODY");
        assertThat(c.call(ep, "POST", "/command", "{\"command\":\"true\",\"gid\":5}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(c.call(ep, "POST", "/command", "{}").statusCode()).isEqualTo(400);
        assertThat(c.call(ep, "POST", "/command", "{\"command\":").statusCode()).isEqualTo(400);
        String asUserBody = "{\"command\":\"id -u; id -g\",\"uid\":1234,\"gid\":2345}";
        if ("root".equals(System.getProperty("user.name"))) {
            List<TestClient.Event> asUser = c.stream(ep, "/command", asUserBody, new StringBuilder());
            assertThat(TestClient.texts(asUser, "stdout")).containsExactly("1234", "2345");
        } else {
            // without root the sandbox's user namespace maps a single id: switching is refused up front
            HttpResponse<String> refused = c.call(ep, "POST", "/command", asUserBody);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("run as root");
        }
    }

    @Test
    void run_timeoutKillsTheCommand() {
        long start = System.currentTimeMillis();
        List<TestClient.Event> events =
                c.stream(ep, "/command", "{\"command\":\"echo start; sleep 30\",\"timeout\":500}", new StringBuilder());
        assertThat(System.currentTimeMillis() - start).isLessThan(20_000);
        assertThat(TestClient.types(events)).contains("error").doesNotContain("execution_complete");
    }

    @Test
    void background_thenStatusAndLogsWithCursor() {
        List<TestClient.Event> events = c.stream(
                ep,
                "/command",
                "{\"command\":\"echo one; echo two; sleep 0.3; echo three\",\"background\":true}",
                new StringBuilder());
        assertThat(TestClient.types(events)).containsExactly("init", "execution_complete");
        String cmdId = events.get(0).json().get("text").asText();
        JsonNode status = null;
        for (int i = 0; i < 100; i++) {
            status = TestClient.json(c.call(ep, "GET", "/command/status/" + cmdId, null));
            if (!status.get("running").asBoolean()) {
                break;
            }
            TestClient.sleep(50);
        }
        assertThat(status.get("running").asBoolean()).isFalse();
        assertThat(status.get("exit_code").asInt()).isZero();
        assertThat(status.get("id").asText()).isEqualTo(cmdId);
        assertThat(status.get("started_at").asText()).isNotBlank();
        HttpResponse<String> all = c.call(ep, "GET", "/command/" + cmdId + "/logs", null);
        assertThat(all.body()).isEqualTo("one\ntwo\nthree\n");
        assertThat(all.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(all.headers().firstValue("EXECD-COMMANDS-TAIL-CURSOR")).hasValue("3");
        HttpResponse<String> tail = c.call(ep, "GET", "/command/" + cmdId + "/logs?cursor=2", null);
        assertThat(tail.body()).isEqualTo("three\n");
        assertThat(c.call(ep, "GET", "/command/unknown/logs", null).statusCode())
                .isEqualTo(400);
        assertThat(c.call(ep, "GET", "/command/status/unknown", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void interrupt_stopsARunningCommand() throws Exception {
        CompletableFuture<String> initId = new CompletableFuture<>();
        CompletableFuture<List<TestClient.Event>> run = CompletableFuture.supplyAsync(() ->
                c.stream(ep, "/command", "{\"command\":\"echo started; sleep 60\"}", new StringBuilder(), e -> {
                    if (e.json().path("type").asText().equals("init")) {
                        initId.complete(e.json().get("text").asText());
                    }
                }));
        String cmdId = initId.get(20, TimeUnit.SECONDS);
        assertThat(c.call(ep, "DELETE", "/command?id=" + cmdId, null).statusCode())
                .isEqualTo(200);
        List<TestClient.Event> events = run.get(20, TimeUnit.SECONDS);
        assertThat(TestClient.types(events).contains("error")
                        ^ TestClient.types(events).contains("execution_complete"))
                .isTrue();
        JsonNode status = TestClient.json(c.call(ep, "GET", "/command/status/" + cmdId, null));
        assertThat(status.get("running").asBoolean()).isFalse();
        assertThat(c.call(ep, "DELETE", "/command", null).statusCode()).isEqualTo(400);
    }

    @Test
    void sessions_keepCwdAndExports() {
        HttpResponse<String> created = c.call(ep, "POST", "/session", "{\"cwd\":\"/tmp\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        String sid = TestClient.json(created).get("session_id").asText();
        List<TestClient.Event> first = c.stream(
                ep,
                "/session/" + sid + "/run",
                "{\"command\":\"pwd; mkdir -p /tmp/s1 && cd /tmp/s1; export FOO=bar\"}",
                new StringBuilder());
        assertThat(TestClient.texts(first, "stdout")).containsExactly("/tmp");
        assertThat(first.get(0).json().get("text").asText()).isEqualTo(sid);
        assertThat(TestClient.types(first)).endsWith("execution_complete");
        List<TestClient.Event> second =
                c.stream(ep, "/session/" + sid + "/run", "{\"command\":\"pwd; echo $FOO\"}", new StringBuilder());
        assertThat(TestClient.texts(second, "stdout")).containsExactly("/tmp/s1", "bar");
        List<TestClient.Event> perRunCwd = c.stream(
                ep, "/session/" + sid + "/run", "{\"command\":\"pwd\",\"cwd\":\"/root\"}", new StringBuilder());
        assertThat(TestClient.texts(perRunCwd, "stdout")).containsExactly("/root");
        List<TestClient.Event> failing =
                c.stream(ep, "/session/" + sid + "/run", "{\"command\":\"echo partial; false\"}", new StringBuilder());
        assertThat(TestClient.texts(failing, "stdout")).containsExactly("partial");
        assertThat(failing.get(failing.size() - 1)
                        .json()
                        .path("error")
                        .path("evalue")
                        .asText())
                .isEqualTo("1");
        List<TestClient.Event> exit7 =
                c.stream(ep, "/session/" + sid + "/run", "{\"command\":\"exit 7\"}", new StringBuilder());
        assertThat(exit7.get(exit7.size() - 1)
                        .json()
                        .path("error")
                        .path("evalue")
                        .asText())
                .isEqualTo("7");
        assertThat(c.call(ep, "DELETE", "/session/" + sid, null).statusCode()).isIn(200, 404);
        assertThat(c.call(ep, "DELETE", "/session/unknown", null).statusCode()).isEqualTo(404);
    }

    @Test
    void serverProxyRoute_servesTheSameExecd() {
        TestClient.Endpoint proxied = c.endpoint(id, 44772, true);
        assertThat(proxied.base()).endsWith("/sandboxes/" + id + "/proxy/44772");
        List<TestClient.Event> events = c.run(proxied, "echo via-proxy");
        assertThat(TestClient.texts(events, "stdout")).containsExactly("via-proxy");
        HttpResponse<String> big =
                c.call(proxied, "POST", "/command", "{\"command\":\"" + "x".repeat(11 << 20) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> unknownSandbox = c.send(
                "GET", "http://" + server.domain() + "/sandboxes/nope/port/44772/ping", null, java.util.Map.of());
        assertThat(unknownSandbox.statusCode()).isEqualTo(404);
        assertThat(unknownSandbox.headers().firstValue("X-Request-ID")).isPresent();
        HttpResponse<String> unknownEgress = c.send(
                "GET", "http://" + server.domain() + "/sandboxes/nope/proxy/18080/policy", null, java.util.Map.of());
        assertThat(unknownEgress.statusCode()).isEqualTo(404);
        assertThat(unknownEgress.headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/plain");
        HttpResponse<String> otherPort = c.send(
                "GET", "http://" + server.domain() + "/sandboxes/" + id + "/port/8080/", null, java.util.Map.of());
        assertThat(otherPort.statusCode()).isEqualTo(502);
        assertThat(c.call(proxied, "POST", "/code", "{\"code\":\"print(1)\"}").statusCode())
                .isEqualTo(501);
    }

    @Test
    void metrics_snapshotAndWatch() {
        JsonNode m = TestClient.json(c.call(ep, "GET", "/metrics", null));
        assertThat(m.get("cpu_count").asDouble()).isGreaterThan(0);
        assertThat(m.get("mem_total_mib").asDouble()).isGreaterThan(0);
        assertThat(m.get("timestamp").asLong()).isGreaterThan(0);
        assertThat(c.call(ep, "GET", "/ping", null).statusCode()).isEqualTo(200);
    }
}
