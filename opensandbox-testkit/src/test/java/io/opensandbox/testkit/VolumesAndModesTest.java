package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumesAndModesTest {

    @Test
    void hostAndPvcVolumes_areMountedIntoTheSandboxView(@TempDir Path hostDir) throws Exception {
        Files.writeString(hostDir.resolve("from-host.txt"), "host data\n");
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                .gracePeriod(Duration.ofMillis(50))
                .allowedHostPaths(hostDir.toString())
                .start()) {
            TestClient c = new TestClient(server);
            String volumes = "\"volumes\":[{\"name\":\"rw\",\"mountPath\":\"/mnt/rw\",\"host\":{\"path\":\"" + hostDir
                    + "\"}},{\"name\":\"ro\",\"mountPath\":\"/mnt/ro\",\"readOnly\":true,\"host\":{\"path\":\""
                    + hostDir
                    + "\"}},{\"name\":\"shared\",\"mountPath\":\"/shared\",\"pvc\":{\"claimName\":\"cache\"}}]";
            String a = c.createSandbox(volumes);
            TestClient.Endpoint ep = c.endpoint(a, 44772, false);
            List<String> out = TestClient.texts(
                    c.run(
                            ep,
                            "cat /mnt/rw/from-host.txt; echo written > /mnt/rw/by-sandbox.txt;"
                                    + " echo x > /mnt/ro/no.txt 2>/dev/null || echo ro-denied; echo pvc > /shared/f"),
                    "stdout");
            assertThat(out).containsExactly("host data", "ro-denied");
            assertThat(Files.readString(hostDir.resolve("by-sandbox.txt"))).isEqualTo("written\n");
            // the files API sees the same mounts
            assertThat(c.call(ep, "GET", "/files/download?path=/mnt/ro/from-host.txt", null)
                            .body())
                    .isEqualTo("host data\n");
            c.api("DELETE", "/sandboxes/" + a, null);
            assertThat(Files.exists(hostDir.resolve("by-sandbox.txt"))).isTrue();

            // a PVC outlives its sandbox and is shared by claim name
            String b = c.createSandbox(
                    "\"volumes\":[{\"name\":\"again\",\"mountPath\":\"/data\",\"pvc\":{\"claimName\":\"cache\"}}]");
            List<String> again = TestClient.texts(c.run(c.endpoint(b, 44772, false), "cat /data/f"), "stdout");
            assertThat(again).containsExactly("pvc");
        }
    }

    @Test
    void unisolatedMode_mapsPathsIntoTheRootForTheFilesApiAndCwd() {
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                .isolation(LocalSandboxServer.Isolation.UNISOLATED)
                .gracePeriod(Duration.ofMillis(50))
                .start()) {
            TestClient c = new TestClient(server);
            String id = c.createSandbox("");
            TestClient.Endpoint ep = c.endpoint(id, 44772, false);
            List<TestClient.Event> events = c.stream(
                    ep,
                    "/command",
                    "{\"command\":\"echo hi > note.txt; echo ok\",\"cwd\":\"/tmp\"}",
                    new StringBuilder());
            assertThat(TestClient.texts(events, "stdout")).containsExactly("ok");
            assertThat(c.call(ep, "GET", "/files/download?path=/tmp/note.txt", null)
                            .body())
                    .isEqualTo("hi\n");
            String sid = TestClient.json(c.call(ep, "POST", "/session", "{\"cwd\":\"/tmp\"}"))
                    .get("session_id")
                    .asText();
            List<TestClient.Event> run = c.stream(
                    ep,
                    "/session/" + sid + "/run",
                    "{\"command\":\"cat note.txt\",\"cwd\":\"/tmp\"}",
                    new StringBuilder());
            assertThat(TestClient.texts(run, "stdout")).containsExactly("hi");
        }
    }

    @Test
    void metricsWatch_streamsOneJsonObjectPerLine() throws Exception {
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            TestClient c = new TestClient(server);
            String id = c.createSandbox("");
            TestClient.Endpoint ep = c.endpoint(id, 44772, false);
            HttpResponse<InputStream> r = c.http.send(
                    HttpRequest.newBuilder(URI.create(ep.base() + "/metrics/watch"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String first = reader.readLine();
                String second = reader.readLine();
                assertThat(TestClient.JSON.readTree(first).get("cpu_count").asDouble())
                        .isPositive();
                assertThat(TestClient.JSON.readTree(second).get("timestamp").asLong())
                        .isGreaterThan(
                                TestClient.JSON.readTree(first).get("timestamp").asLong());
            }
        }
    }

    @Test
    void main_printsTheDomain_andStopsOnSigterm() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        javaBin.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.opensandbox.testkit.LocalSandboxServerMain",
                        "--port",
                        "0",
                        "--api-key",
                        "main-key",
                        "--grace-period-ms",
                        "10")
                .redirectErrorStream(true)
                .start();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line = null;
            for (int i = 0; i < 50; i++) {
                line = reader.readLine();
                if (line == null || line.contains("listening on")) {
                    break;
                }
            }
            assertThat(line).contains("listening on 127.0.0.1:");
            String domain = line.substring(line.indexOf("127.0.0.1:"));
            HttpResponse<String> r = new TestClient(null)
                    .send(
                            "GET",
                            "http://" + domain + "/v1/sandboxes",
                            null,
                            Map.of("OPEN-SANDBOX-API-KEY", "main-key"));
            assertThat(r.statusCode()).isEqualTo(200);
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }
}
