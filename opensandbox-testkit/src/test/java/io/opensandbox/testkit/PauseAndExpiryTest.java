package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PauseAndExpiryTest {

    @Test
    void pause_reallyStopsProcesses_andResumeContinuesThem() {
        try (LocalSandboxServer server =
                LocalSandboxServer.builder().gracePeriod(Duration.ofMillis(50)).start()) {
            TestClient c = new TestClient(server);
            String id = c.createSandbox("");
            TestClient.Endpoint ep = c.endpoint(id, 44772, false);
            List<TestClient.Event> started = c.stream(
                    ep,
                    "/command",
                    "{\"command\":\"for i in $(seq 1 400); do date +%s%N; sleep 0.05; done\",\"background\":true}",
                    new StringBuilder());
            String cmd = started.get(0).json().get("text").asText();
            TestClient.sleep(500);
            assertThat(c.api("POST", "/sandboxes/" + id + "/pause", null).statusCode())
                    .isEqualTo(202);
            c.awaitState(id, "Paused");
            TestClient.sleep(1500);
            assertThat(c.api("POST", "/sandboxes/" + id + "/resume", null).statusCode())
                    .isEqualTo(202);
            c.awaitState(id, "Running");
            TestClient.sleep(500);
            HttpResponse<String> logs = c.call(ep, "GET", "/command/" + cmd + "/logs", null);
            List<Long> stamps = new ArrayList<>();
            for (String line : logs.body().split("\n")) {
                if (!line.isBlank()) {
                    stamps.add(Long.parseLong(line.trim()) / 1_000_000);
                }
            }
            long maxGap = 0;
            for (int i = 1; i < stamps.size(); i++) {
                maxGap = Math.max(maxGap, stamps.get(i) - stamps.get(i - 1));
            }
            // the counter stopped for (about) the whole pause, and went on afterwards
            assertThat(maxGap).isGreaterThanOrEqualTo(1000);
            assertThat(stamps.get(stamps.size() - 1)).isGreaterThan(stamps.get(0) + maxGap);
        }
    }

    @Test
    void expiry_terminatesTheSandbox() {
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                .minimumTimeout(Duration.ofSeconds(1))
                .reaperInterval(Duration.ofMillis(200))
                .start()) {
            TestClient c = new TestClient(server);
            assertThat(c.api(
                                    "POST",
                                    "/sandboxes",
                                    "{\"image\":{\"uri\":\"x\"},\"entrypoint\":[\"true\"],\"timeout\":0}")
                            .statusCode())
                    .isEqualTo(400);
            String id = c.createSandbox("\"timeout\":1");
            int status = 200;
            for (int i = 0; i < 100 && status == 200; i++) {
                TestClient.sleep(100);
                status = c.api("GET", "/sandboxes/" + id, null).statusCode();
            }
            assertThat(status).isEqualTo(404);
            assertThat(c.send(
                                    "GET",
                                    "http://" + server.domain() + "/sandboxes/" + id + "/port/44772/ping",
                                    null,
                                    java.util.Map.of())
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void delete_killsEvenDaemonsThatLeftTheProcessGroup() {
        try (LocalSandboxServer server =
                LocalSandboxServer.builder().gracePeriod(Duration.ofMillis(50)).start()) {
            TestClient c = new TestClient(server);
            String id = c.createSandbox("");
            c.run(c.endpoint(id, 44772, false), "setsid sleep 301.25 >/dev/null 2>&1 < /dev/null &");
            assertThat(sleepers()).isPositive();
            assertThat(c.api("DELETE", "/sandboxes/" + id, null).statusCode()).isEqualTo(204);
            long left = sleepers();
            for (int i = 0; i < 50 && left > 0; i++) {
                TestClient.sleep(100);
                left = sleepers();
            }
            assertThat(left).isZero();
        }
    }

    private static long sleepers() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains("sleep 301.25"))
                .count();
    }

    @Test
    void close_removesTemporaryData() {
        LocalSandboxServer server = LocalSandboxServer.start();
        TestClient c = new TestClient(server);
        c.createSandbox("");
        java.nio.file.Path root = server.rootDirectory();
        assertThat(server.domain()).startsWith("127.0.0.1:");
        server.close();
        assertThat(java.nio.file.Files.exists(root)).isFalse();
    }
}
