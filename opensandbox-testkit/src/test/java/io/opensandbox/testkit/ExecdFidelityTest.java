package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Status codes and error bodies of execd and of the lifecycle server's routing as their source has them
 * ({@code components/execd/pkg/web/controller/command.go}, {@code codeinterpreting.go}, {@code
 * filesystem_download.go}, gin's and FastAPI's defaults for unknown routes).
 */
class ExecdFidelityTest {
    static LocalSandboxServer server;
    static TestClient c;
    static String id;
    static TestClient.Endpoint ep;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .apiKey("execd-fidelity-key")
                .gracePeriod(Duration.ofMillis(50))
                .start();
        c = new TestClient(server);
        id = c.createSandbox("\"timeout\":600");
        ep = c.endpoint(id, 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(TestClient.json(r).get("code").asText()).isEqualTo(code);
    }

    @Test
    void commandStatus_ofAnUnknownId_is404InvalidRequestBody() {
        // command.go GetCommandStatus: RespondError(http.StatusNotFound, model.ErrorCodeInvalidRequest, ...)
        assertError(c.call(ep, "GET", "/command/status/no-such-id", null), 404, "INVALID_REQUEST_BODY");
    }

    @Test
    void interrupt_ofAnUnknownId_is500RuntimeError() {
        // codeinterpreting.go interrupt: any error of codeRunner.Interrupt ("no such session") is a 500
        assertError(c.call(ep, "DELETE", "/command?id=no-such-id", null), 500, "RUNTIME_ERROR");
        assertError(c.call(ep, "DELETE", "/command", null), 400, "MISSING_QUERY");
    }

    @Test
    void interrupt_ofAFinishedCommand_is500RuntimeError() {
        String commandId = c.run(ep, "true").get(0).json().path("text").asText();
        // runtime/interrupt.go: "command session ... is not running"
        assertError(c.call(ep, "DELETE", "/command?id=" + commandId, null), 500, "RUNTIME_ERROR");
    }

    @Test
    void unknownSession_deleteIs404ContextNotFound_runIs500RuntimeError() {
        assertError(c.call(ep, "DELETE", "/session/no-such-session", null), 404, "CONTEXT_NOT_FOUND");
        assertError(c.call(ep, "POST", "/session/no-such-session/run", "{\"command\":\"true\"}"), 500, "RUNTIME_ERROR");
    }

    @Test
    void unsatisfiableRange_is416WithCodeUnknown() {
        c.run(ep, "printf abc > /tmp/range.txt");
        Map<String, String> headers = new LinkedHashMap<>(ep.headers());
        headers.put("Range", "bytes=10-20");
        HttpResponse<String> r = c.send("GET", ep.base() + "/files/download?path=/tmp/range.txt", null, headers);
        // filesystem_download.go: RespondError(http.StatusRequestedRangeNotSatisfiable, model.ErrorCodeUnknown)
        assertError(r, 416, "UNKNOWN");
    }

    @Test
    void unknownRoutes_answerLikeGinAndFastApi() {
        HttpResponse<String> execd = c.call(ep, "GET", "/no/such/route", null);
        assertThat(execd.statusCode()).isEqualTo(404);
        assertThat(execd.body()).isEqualTo("404 page not found");
        assertThat(execd.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        HttpResponse<String> lifecycle = c.api("GET", "/no-such-route", null);
        assertThat(lifecycle.statusCode()).isEqualTo(404);
        assertThat(TestClient.json(lifecycle).get("detail").asText()).isEqualTo("Not Found");
        HttpResponse<String> method = c.api("PUT", "/sandboxes", "{}");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(TestClient.json(method).get("detail").asText()).isEqualTo("Method Not Allowed");
    }
}
