package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host volumes follow the lifecycle server's {@code storage.allowed_host_paths} rules. */
class HostVolumesTest {

    private static String body(String hostPath) {
        return "{\"image\":{\"uri\":\"ubuntu\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"],"
                + "\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/mnt/v\",\"host\":{\"path\":\""
                + hostPath.replace("\\", "\\\\") + "\"}}]}";
    }

    private static JsonNode rejected(TestClient c, String hostPath) {
        HttpResponse<String> r = c.api("POST", "/sandboxes", body(hostPath));
        assertThat(r.statusCode()).as(hostPath + ": " + r.body()).isEqualTo(400);
        return TestClient.json(r);
    }

    @Test
    void byDefault_everyHostVolumeIsRefused() {
        try (LocalSandboxServer server = LocalSandboxServer.start()) {
            TestClient c = new TestClient(server);
            assertThat(server.allowedHostPaths()).isEmpty();
            for (String path : List.of("/etc", "/root", "/tmp", "/")) {
                JsonNode err = rejected(c, path);
                assertThat(err.get("code").asText()).isEqualTo("VOLUME::HOST_PATH_NOT_ALLOWED");
                assertThat(err.get("message").asText())
                        .isEqualTo("Host path '" + path + "' is not under any allowed prefix. Allowed prefixes: []");
            }
            JsonNode list = TestClient.json(c.api("GET", "/sandboxes", null));
            assertThat(list.get("items")).isEmpty();
        }
    }

    @Test
    void invalidShapes_areRefusedWithInvalidHostPath(@TempDir Path dir) {
        try (LocalSandboxServer server =
                LocalSandboxServer.builder().allowedHostPaths(dir.toString()).start()) {
            TestClient c = new TestClient(server);
            String d = dir.toString();
            List<List<String>> cases = List.of(
                    List.of("", "Host path cannot be empty."),
                    List.of(
                            "relative/dir",
                            "Host path 'relative/dir' must be an absolute path starting with '/' or a Windows drive"
                                    + " letter (e.g. 'C:\\' or 'D:/')."),
                    List.of(d + "/../etc", "Host path '" + d + "/../etc' contains path traversal component '..'."),
                    List.of(d + "/..", "Host path '" + d + "/..' contains path traversal component '..'."),
                    List.of(d + "//x", "Host path '" + d + "//x' is not normalized. Remove redundant slashes."),
                    List.of(d + "/", "Host path '" + d + "/' is not normalized. Remove redundant slashes."));
            for (List<String> k : cases) {
                JsonNode err = rejected(c, k.get(0));
                assertThat(err.get("code").asText()).as(k.get(0)).isEqualTo("VOLUME::INVALID_HOST_PATH");
                assertThat(err.get("message").asText()).as(k.get(0)).isEqualTo(k.get(1));
            }
        }
    }

    @Test
    void anAllowedPrefix_isMountedAndWritable(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path sub = Files.createDirectories(data.resolve("sub"));
        try (LocalSandboxServer server = LocalSandboxServer.builder()
                .gracePeriod(Duration.ofMillis(50))
                .allowedHostPaths(data.toString())
                .start()) {
            TestClient c = new TestClient(server);
            for (Path p : List.of(data, sub)) {
                String id = c.createSandbox(
                        "\"volumes\":[{\"name\":\"v\",\"mountPath\":\"/mnt/v\",\"host\":{\"path\":\"" + p + "\"}}]");
                List<String> out = TestClient.texts(
                        c.run(c.endpoint(id, 44772, false), "echo from-sandbox > /mnt/v/w.txt && echo ok"), "stdout");
                assertThat(out).containsExactly("ok");
                assertThat(Files.readString(p.resolve("w.txt"))).isEqualTo("from-sandbox\n");
                c.api("DELETE", "/sandboxes/" + id, null);
            }
        }
    }

    @Test
    void aPrefixMatchesWholeComponentsOnly(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path database = Files.createDirectories(dir.resolve("database"));
        try (LocalSandboxServer server =
                LocalSandboxServer.builder().allowedHostPaths(data + "/").start()) {
            TestClient c = new TestClient(server);
            JsonNode err = rejected(c, database.toString());
            assertThat(err.get("code").asText()).isEqualTo("VOLUME::HOST_PATH_NOT_ALLOWED");
            assertThat(err.get("message").asText())
                    .isEqualTo("Host path '" + database + "' is not under any allowed prefix. Allowed prefixes: ['"
                            + data + "/']");
            // the prefix itself (its trailing slash ignored) is allowed
            HttpResponse<String> ok = c.api("POST", "/sandboxes", body(data.toString()));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        }
    }

    @Test
    void aSymbolicLinkOutOfTheAllowedPrefix_isRefused(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(data.resolve("link"), outside);
        try (LocalSandboxServer server =
                LocalSandboxServer.builder().allowedHostPaths(data.toString()).start()) {
            TestClient c = new TestClient(server);
            JsonNode err = rejected(c, data + "/link");
            assertThat(err.get("code").asText()).isEqualTo("VOLUME::HOST_PATH_NOT_ALLOWED");
            assertThat(err.get("message").asText()).startsWith("Host path '" + outside + "' is not under");
        }
    }

    @Test
    void builder_rejectsRelativePrefixes() {
        assertThatThrownBy(() -> LocalSandboxServer.builder().allowedHostPaths("data"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> new LocalSandboxExtension().allowedHostPaths("data"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
