package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The testkit's {@code /code} routes over plain HTTP, checked against what execd answers. */
class CodeInterpreterRoutesTest {
    static LocalSandboxServer server;
    static TestClient c;
    static TestClient.Endpoint ep;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .pingInterval(Duration.ofMillis(300))
                .start();
        c = new TestClient(server);
        ep = c.endpoint(c.createSandbox(""), 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String createContext(String language, String cwd) {
        HttpResponse<String> r = c.call(
                ep,
                "POST",
                "/code/context",
                "{\"language\":\"" + language + "\"" + (cwd == null ? "" : ",\"cwd\":" + TestClient.quote(cwd)) + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestClient.json(r).get("id").asText();
    }

    private static List<TestClient.Event> run(String contextId, String language, String code) {
        return c.stream(ep, "/code", runBody(contextId, language, code), new StringBuilder());
    }

    private static String runBody(String contextId, String language, String code) {
        return "{\"code\":" + TestClient.quote(code) + ",\"context\":{"
                + (contextId == null ? "" : "\"id\":\"" + contextId + "\",") + "\"language\":\"" + language + "\"}}";
    }

    private static List<JsonNode> ofType(List<TestClient.Event> events, String type) {
        return events.stream()
                .map(TestClient.Event::json)
                .filter(e -> e.path("type").asText().equals(type))
                .toList();
    }

    private static String stdout(List<TestClient.Event> events) {
        return String.join("", TestClient.texts(events, "stdout"));
    }

    @Test
    void run_keepsStateAcrossRuns_andReportsTheLastExpressionAsResult() {
        String id = createContext("python", null);

        List<TestClient.Event> first = run(id, "python", "x = 41");
        assertThat(TestClient.types(first)).containsExactly("init", "execution_complete");
        assertThat(first.get(0).json().path("text").asText()).isEqualTo(id);

        List<TestClient.Event> second = run(id, "python", "x + 1");
        assertThat(TestClient.types(second)).containsExactly("init", "execution_count", "result", "execution_complete");
        assertThat(ofType(second, "execution_count")
                        .get(0)
                        .path("execution_count")
                        .asInt())
                .isEqualTo(2);
        JsonNode results = ofType(second, "result").get(0).path("results");
        assertThat(results.path("text").asText()).isEqualTo("42");
        assertThat(results.has("text/plain"))
                .as("execd renames text/plain to text")
                .isFalse();
        assertThat(second.get(second.size() - 1).json().path("timestamp").asLong())
                .isPositive();
    }

    @Test
    void run_streamsStdoutAndStderrAsTheyAppear_includingSubprocesses() {
        String id = createContext("python", null);
        List<TestClient.Event> events = run(
                id,
                "python",
                "import sys, time, subprocess\nprint('a')\ntime.sleep(1)\nprint('oops', file=sys.stderr)\n"
                        + "subprocess.run(['echo', 'from-child'])\nprint('b')");
        assertThat(stdout(events)).isEqualTo("a\nfrom-child\nb\n");
        assertThat(String.join("", TestClient.texts(events, "stderr"))).isEqualTo("oops\n");
        TestClient.Event a = events.stream()
                .filter(e -> e.json().path("text").asText().equals("a\n"))
                .findFirst()
                .orElseThrow();
        TestClient.Event end = events.get(events.size() - 1);
        // "a" came out while the code still slept, not when it ended
        assertThat(end.arrivedAtMs() - a.arrivedAtMs()).isGreaterThanOrEqualTo(500);
        assertThat(TestClient.types(events)).contains("ping");
    }

    @Test
    void run_reportsRichResultsOfReprMethods() {
        String id = createContext("python", null);
        String code = "class Rich:\n"
                + "    def __repr__(self): return 'Rich()'\n"
                + "    def _repr_html_(self): return '<b>rich</b>'\n"
                + "    def _repr_markdown_(self): return '**rich**'\n"
                + "    def _repr_svg_(self): return '<svg/>'\n"
                + "    def _repr_png_(self): return b'\\x89PNG-bytes'\n"
                + "    def _repr_json_(self): return {'a': [1, 2]}\n"
                + "Rich()";
        JsonNode results = ofType(run(id, "python", code), "result").get(0).path("results");
        assertThat(results.path("text").asText()).isEqualTo("Rich()");
        assertThat(results.path("text/html").asText()).isEqualTo("<b>rich</b>");
        assertThat(results.path("text/markdown").asText()).isEqualTo("**rich**");
        assertThat(results.path("image/svg+xml").asText()).isEqualTo("<svg/>");
        assertThat(Base64.getMimeDecoder().decode(results.path("image/png").asText()))
                .isEqualTo("\u0089PNG-bytes".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(results.path("application/json").path("a").get(1).asInt()).isEqualTo(2);
    }

    @Test
    void run_reportsAnExceptionAsStatusErrorThenCompletes() {
        String id = createContext("python", null);
        List<TestClient.Event> events = run(id, "python", "def f():\n    return 1 / 0\nf()");
        assertThat(TestClient.types(events)).containsExactly("init", "status", "error", "execution_complete");
        assertThat(ofType(events, "status").get(0).path("text").asText()).isEqualTo("error");
        JsonNode error = ofType(events, "error").get(0).path("error");
        assertThat(error.path("ename").asText()).isEqualTo("ZeroDivisionError");
        assertThat(error.path("evalue").asText()).isEqualTo("division by zero");
        List<String> traceback = TestClient.JSON.convertValue(
                error.path("traceback"),
                TestClient.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(traceback).anyMatch(line -> line.contains("in f"));
        assertThat(traceback.get(traceback.size() - 1)).isEqualTo("ZeroDivisionError: division by zero");
        assertThat(traceback).noneMatch(line -> line.contains("kernel_driver") || line.contains("<string>"));
    }

    @Test
    void interrupt_stopsABusyLoop_andTheContextKeepsItsState() throws Exception {
        String id = createContext("python", null);
        run(id, "python", "kept = 'yes'");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<List<TestClient.Event>> running = CompletableFuture.supplyAsync(() -> c.stream(
                ep, "/code", runBody(id, "python", "while True: pass"), new StringBuilder(), e -> started.countDown()));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        TestClient.sleep(300);
        HttpResponse<String> r = c.call(ep, "DELETE", "/code?id=" + id, null);
        assertThat(r.statusCode()).isEqualTo(200);

        List<TestClient.Event> events = running.get(30, TimeUnit.SECONDS);
        assertThat(TestClient.types(events)).endsWith("status", "error", "execution_complete");
        assertThat(ofType(events, "error").get(0).path("error").path("ename").asText())
                .isEqualTo("KeyboardInterrupt");
        JsonNode after = ofType(run(id, "python", "kept"), "result").get(0);
        assertThat(after.path("results").path("text").asText()).isEqualTo("'yes'");
    }

    @Test
    void interrupt_ofAnUnknownContext_is500_andWithoutId400() {
        HttpResponse<String> unknown = c.call(ep, "DELETE", "/code?id=nope", null);
        assertThat(unknown.statusCode()).isEqualTo(500);
        assertThat(TestClient.json(unknown).path("code").asText()).isEqualTo("RUNTIME_ERROR");
        HttpResponse<String> missing = c.call(ep, "DELETE", "/code", null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(missing).path("code").asText()).isEqualTo("MISSING_QUERY");
    }

    @Test
    void run_inAnUnknownContext_is500RuntimeErrorBeforeAnyEvent() {
        HttpResponse<String> r = c.call(ep, "POST", "/code", runBody("no-such-context", "python", "1"));
        assertThat(r.statusCode()).isEqualTo(500);
        JsonNode body = TestClient.json(r);
        assertThat(body.path("code").asText()).isEqualTo("RUNTIME_ERROR");
        assertThat(body.path("message").asText()).isEqualTo("error running codes context not found");
    }

    @Test
    void run_onABusyContext_appendsAJsonErrorToThe200Stream() throws Exception {
        String id = createContext("python", null);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<List<TestClient.Event>> slow = CompletableFuture.supplyAsync(() -> c.stream(
                ep,
                "/code",
                runBody(id, "python", "import time\ntime.sleep(2)"),
                new StringBuilder(),
                e -> started.countDown()));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        StringBuilder raw = new StringBuilder();
        List<TestClient.Event> busy = c.stream(ep, "/code", runBody(id, "python", "1"), raw);
        assertThat(TestClient.types(busy).get(0)).isEqualTo("init");
        JsonNode last = busy.get(busy.size() - 1).json();
        assertThat(last.path("code").asText()).isEqualTo("RUNTIME_ERROR");
        assertThat(last.path("message").asText()).isEqualTo("error running codes session is busy");
        assertThat(raw.toString()).endsWith("busy\"}\n"); // no blank line after it: it is not an event
        assertThat(TestClient.types(slow.get(30, TimeUnit.SECONDS))).endsWith("execution_complete");
    }

    @Test
    void run_withoutContextId_usesTheLanguagesDefaultContext() {
        List<TestClient.Event> first = run(null, "python", "default_value = 7");
        String id = first.get(0).json().path("text").asText();
        List<TestClient.Event> second = run(null, "python", "default_value * 6");
        assertThat(second.get(0).json().path("text").asText()).isEqualTo(id);
        assertThat(ofType(second, "result").get(0).path("results").path("text").asText())
                .isEqualTo("42");
        HttpResponse<String> listed = c.call(ep, "GET", "/code/contexts?language=python", null);
        assertThat(listed.body()).contains(id);
    }

    @Test
    void bashContext_keepsVariablesAndDirectory_andReportsExitStatusAsError() {
        String id = createContext("bash", null);
        assertThat(TestClient.types(run(id, "bash", "greeting=hello; cd /tmp")))
                .containsExactly("init", "execution_complete");
        assertThat(stdout(run(id, "bash", "echo $greeting; pwd; echo to-stderr >&2")))
                .isEqualTo("hello\n/tmp\nto-stderr\n");
        List<TestClient.Event> failed = run(id, "bash", "exit_with() { return $1; }; exit_with 3");
        assertThat(TestClient.types(failed)).containsExactly("init", "status", "error", "execution_complete");
        JsonNode error = ofType(failed, "error").get(0).path("error");
        assertThat(error.path("ename").asText()).isEmpty();
        assertThat(error.path("evalue").asText()).isEqualTo("3");
    }

    @Test
    void bashContext_interruptStopsTheRunningCommand() throws Exception {
        String id = createContext("bash", null);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<List<TestClient.Event>> running = CompletableFuture.supplyAsync(() -> c.stream(
                ep,
                "/code",
                runBody(id, "bash", "while true; do :; done"),
                new StringBuilder(),
                e -> started.countDown()));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        TestClient.sleep(300);
        assertThat(c.call(ep, "DELETE", "/code?id=" + id, null).statusCode()).isEqualTo(200);
        List<TestClient.Event> events = running.get(30, TimeUnit.SECONDS);
        // bash_kernel ends an interrupted run with an "abort" reply and no error
        assertThat(TestClient.types(events)).endsWith("execution_complete").doesNotContain("error");
        assertThat(stdout(run(id, "bash", "echo alive"))).isEqualTo("alive\n");
    }

    @Test
    void contexts_createGetListDelete_asExecdAnswers() {
        HttpResponse<String> created =
                c.call(ep, "POST", "/code/context", "{\"language\":\"python\",\"cwd\":\"/workspace/ctx-a\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode context = TestClient.json(created);
        String id = context.path("id").asText();
        assertThat(context.path("language").asText()).isEqualTo("python");
        assertThat(context.path("cwd").asText()).isEqualTo("/workspace/ctx-a");
        assertThat(ofType(run(id, "python", "import os\nos.getcwd()"), "result")
                        .get(0)
                        .path("results")
                        .path("text")
                        .asText())
                .isEqualTo("'/workspace/ctx-a'");
        String bash = createContext("bash", null);

        HttpResponse<String> got = c.call(ep, "GET", "/code/contexts/" + id, null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(TestClient.json(got))
                .isEqualTo(TestClient.JSON.createObjectNode().put("id", id).put("language", "python"));

        JsonNode all = TestClient.json(c.call(ep, "GET", "/code/contexts", null));
        assertThat(all.findValuesAsText("id")).contains(id, bash);
        JsonNode pythonOnly = TestClient.json(c.call(ep, "GET", "/code/contexts?language=python", null));
        assertThat(pythonOnly.findValuesAsText("id")).contains(id).doesNotContain(bash);
        assertThat(pythonOnly.findValuesAsText("language")).containsOnly("python");

        assertThat(c.call(ep, "DELETE", "/code/contexts/" + id, null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> gone = c.call(ep, "GET", "/code/contexts/" + id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(TestClient.json(gone).path("code").asText()).isEqualTo("CONTEXT_NOT_FOUND");
        assertThat(c.call(ep, "DELETE", "/code/contexts/" + id, null).statusCode())
                .isEqualTo(404);

        assertThat(c.call(ep, "DELETE", "/code/contexts?language=bash", null).statusCode())
                .isEqualTo(200);
        assertThat(TestClient.json(c.call(ep, "GET", "/code/contexts?language=bash", null)))
                .isEmpty();
        HttpResponse<String> noLanguage = c.call(ep, "DELETE", "/code/contexts", null);
        assertThat(noLanguage.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(noLanguage).path("code").asText()).isEqualTo("MISSING_QUERY");
        HttpResponse<String> commandContexts = c.call(ep, "GET", "/code/contexts?language=command", null);
        assertThat(commandContexts.statusCode()).isEqualTo(500);
    }

    @Test
    void createContext_forALanguageWithoutInterpreter_is500RuntimeError() {
        HttpResponse<String> r = c.call(ep, "POST", "/code/context", "{\"language\":\"go\"}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(TestClient.json(r).path("code").asText()).isEqualTo("RUNTIME_ERROR");
        HttpResponse<String> malformed = c.call(ep, "POST", "/code/context", "{\"language\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(malformed).path("code").asText()).isEqualTo("INVALID_REQUEST_BODY");
    }
}
