package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The code interpreter without namespaces: the interpreter runs on the host, in the sandbox folder's cwd. */
class CodeInterpreterUnisolatedTest {
    static LocalSandboxServer server;
    static TestClient c;
    static TestClient.Endpoint ep;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder()
                .isolation(LocalSandboxServer.Isolation.UNISOLATED)
                .start();
        c = new TestClient(server);
        ep = c.endpoint(c.createSandbox(""), 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pythonAndBashContexts_keepState_andRunInTheSandboxFolder() {
        HttpResponse<String> created =
                c.call(ep, "POST", "/code/context", "{\"language\":\"python\",\"cwd\":\"/workspace/u\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = TestClient.json(created).get("id").asText();
        String body = "{\"context\":{\"id\":\"" + id + "\",\"language\":\"python\"},\"code\":";

        c.stream(ep, "/code", body + TestClient.quote("import os\nhere = os.getcwd()") + "}", new StringBuilder());
        List<TestClient.Event> events =
                c.stream(ep, "/code", body + TestClient.quote("here") + "}", new StringBuilder());

        JsonNode result = events.stream()
                .map(TestClient.Event::json)
                .filter(e -> e.path("type").asText().equals("result"))
                .findFirst()
                .orElseThrow();
        // a host path, inside the sandbox's folder
        assertThat(result.path("results").path("text").asText()).endsWith("/fs/workspace/u'");

        List<TestClient.Event> bash = c.stream(
                ep,
                "/code",
                "{\"context\":{\"language\":\"bash\"},\"code\":\"v=1; echo $((v + 1))\"}",
                new StringBuilder());
        assertThat(TestClient.texts(bash, "stdout")).containsExactly("2\n");
    }
}
