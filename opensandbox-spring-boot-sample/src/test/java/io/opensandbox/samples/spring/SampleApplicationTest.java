package io.opensandbox.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.testkit.LocalSandboxServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application against the testkit server, on whichever Spring Boot line this module builds with: a command
 * runs, the calls show as {@code opensandbox.calls} metrics, health follows the server, and the Jackson,
 * HttpClient 5 and SLF4J on the class path are the single versions Spring Boot manages.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {
    private static final String KEY = "sample-key";
    private static final LocalSandboxServer SERVER =
            LocalSandboxServer.builder().apiKey(KEY).start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    SnippetRunner runner;

    @DynamicPropertySource
    static void openSandbox(DynamicPropertyRegistry registry) {
        registry.add("opensandbox.domain", SERVER::domain);
        registry.add("opensandbox.api-key", () -> KEY);
    }

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    @Test
    void aSnippetRuns_theCallsAreMetrics_andHealthFollowsTheServer() throws Exception {
        assertThat(runner.run("echo hi")).isEqualTo("hi");

        HttpResponse<String> created = get("/actuator/metrics/opensandbox.calls?tag=operation:sandbox.create");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body().replace(" ", ""))
                .contains("\"statistic\":\"COUNT\",\"value\":1.0")
                .contains("\"tag\":\"outcome\"");
        HttpResponse<String> killed =
                get("/actuator/metrics/opensandbox.calls?tag=operation:sandbox.kill&tag=outcome:SUCCESS");
        assertThat(killed.statusCode()).isEqualTo(200);

        HttpResponse<String> up = get("/actuator/health/openSandbox");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"UP\"").doesNotContain(KEY);

        SERVER.close();
        HttpResponse<String> down = get("/actuator/health/openSandbox");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("\"status\":\"DOWN\"").doesNotContain(KEY);
    }

    @Test
    void theClassPathHasOneJacksonOneHttpClient5AndOneSlf4j_atTheVersionsBootManages() throws IOException {
        assertThat(versions("com.fasterxml.jackson.core", "jackson-databind"))
                .containsExactly(System.getProperty("expected.jackson"));
        assertThat(versions("org.apache.httpcomponents.client5", "httpclient5"))
                .containsExactly(System.getProperty("expected.httpclient5"));
        assertThat(versions("org.apache.httpcomponents.core5", "httpcore5"))
                .containsExactly(System.getProperty("expected.httpcore5"));
        assertThat(versions("org.slf4j", "slf4j-api")).containsExactly(System.getProperty("expected.slf4j"));
    }

    private static List<String> versions(String group, String artifact) throws IOException {
        List<String> versions = new ArrayList<>();
        String path = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        for (URL url : Collections.list(SampleApplicationTest.class.getClassLoader().getResources(path))) {
            try (InputStream in = url.openStream()) {
                Properties properties = new Properties();
                properties.load(in);
                versions.add(properties.getProperty("version"));
            }
        }
        return versions;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
