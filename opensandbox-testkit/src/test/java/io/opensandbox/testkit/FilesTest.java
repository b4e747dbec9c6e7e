package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesTest {
    static LocalSandboxServer server;
    static TestClient c;
    static String id;
    static TestClient.Endpoint ep;

    @BeforeAll
    static void start() {
        server = LocalSandboxServer.builder().gracePeriod(Duration.ofMillis(50)).start();
        c = new TestClient(server);
        id = c.createSandbox("");
        ep = c.endpoint(id, 44772, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String BOUNDARY = "----testkitBoundary7MA4YWxkTrZu0gW";

    static String part(String name, String filename, String contentType, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\nContent-Type: " + contentType
                + "\r\n\r\n" + content + "\r\n";
    }

    static HttpResponse<String> upload(String multipartBody) {
        return c.send(
                "POST",
                ep.base() + "/files/upload",
                multipartBody,
                Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY));
    }

    static HttpResponse<String> uploadOne(String path, String content, int mode) {
        return upload(part(
                        "metadata",
                        "metadata",
                        "application/json",
                        "{\"path\":\"" + path + "\",\"owner\":null,\"group\":null,\"mode\":" + mode + "}")
                + part("file", path, "application/octet-stream", content)
                + "--" + BOUNDARY + "--\r\n");
    }

    static List<String> stdout(String command) {
        return TestClient.texts(c.run(ep, command), "stdout");
    }

    @Test
    void upload_isSeenByCommands_andCommandOutputIsDownloadable() {
        HttpResponse<String> r = upload(part(
                        "metadata",
                        "metadata",
                        "application/json",
                        "{\"path\":\"/workspace/deep/dir/a.txt\",\"mode\":640}")
                + part("file", "a.txt", "text/plain", "hello\r\nworld")
                + part("metadata", "metadata", "application/json", "{\"path\":\"/tmp/b.bin\"}")
                + part("file", "b.bin", "application/octet-stream", "bee")
                + "--" + BOUNDARY + "--\r\n");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(
                        stdout(
                                "cat /workspace/deep/dir/a.txt | od -c | head -1; stat -c %a /workspace/deep/dir/a.txt; cat /tmp/b.bin"))
                .containsExactly("0000000   h   e   l   l   o  \\r  \\n   w   o   r   l   d", "640", "bee");

        c.run(ep, "printf 'made by a command' > /root/out.txt");
        HttpResponse<String> d = c.call(ep, "GET", "/files/download?path=" + TestClient.enc("/root/out.txt"), null);
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.body()).isEqualTo("made by a command");
        assertThat(d.headers().firstValue("Content-Disposition").orElse("")).contains("out.txt");
        assertThat(d.headers().firstValue("Content-Length")).hasValue("17");
    }

    @Test
    void download_honoursRange() {
        uploadOne("/tmp/range.txt", "0123456789", 644);
        HttpResponse<String> part =
                c.send("GET", ep.base() + "/files/download?path=/tmp/range.txt", null, Map.of("Range", "bytes=2-5"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("2345");
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-5/10");
        HttpResponse<String> suffix =
                c.send("GET", ep.base() + "/files/download?path=/tmp/range.txt", null, Map.of("Range", "bytes=-3"));
        assertThat(suffix.body()).isEqualTo("789");
        HttpResponse<String> bad =
                c.send("GET", ep.base() + "/files/download?path=/tmp/range.txt", null, Map.of("Range", "bytes=20-30"));
        assertThat(bad.statusCode()).isEqualTo(416);
        assertThat(TestClient.json(bad).get("code").asText()).isNotBlank();
        HttpResponse<String> missing = c.call(ep, "GET", "/files/download?path=/tmp/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(TestClient.json(missing).get("code").asText()).isEqualTo("FILE_NOT_FOUND");
        assertThat(c.call(ep, "GET", "/files/download", null).statusCode()).isEqualTo(400);
    }

    @Test
    void upload_rejectsFilenamelessMetadataAndMismatchedCounts() {
        HttpResponse<String> noFilename = upload(part("metadata", null, "application/json", "{\"path\":\"/tmp/x\"}")
                + part("file", "x", "application/octet-stream", "data")
                + "--" + BOUNDARY + "--\r\n");
        assertThat(noFilename.statusCode()).isEqualTo(400);
        JsonNode err = TestClient.json(noFilename);
        assertThat(err.get("code").asText()).isEqualTo("INVALID_FILE_METADATA");
        assertThat(err.get("message").asText()).isEqualTo("metadata file is missing");
        HttpResponse<String> mismatch = upload(part("metadata", "metadata", "application/json", "{\"path\":\"/tmp/x\"}")
                + part("metadata", "metadata", "application/json", "{\"path\":\"/tmp/y\"}")
                + part("file", "x", "application/octet-stream", "data")
                + "--" + BOUNDARY + "--\r\n");
        assertThat(mismatch.statusCode()).isEqualTo(400);
        HttpResponse<String> truncated =
                upload(part("metadata", "metadata", "application/json", "{\"path\":\"/tmp/x\"}") + "--" + BOUNDARY
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nabc");
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(c.call(ep, "GET", "/files/info?path=/tmp/x", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void traversalAndWritesOutsideTheRootAreImpossible(@TempDir Path outside) throws IOException {
        Path secret = outside.resolve("host-file.txt");
        Files.writeString(secret, "host");
        HttpResponse<String> traversal = uploadOne("/../../../../" + outside + "/host-file.txt", "pwned", 644);
        assertThat(traversal.statusCode()).isEqualTo(400);
        assertThat(TestClient.json(traversal).get("code").asText()).isEqualTo("INVALID_PATH");
        assertThat(c.call(ep, "GET", "/files/download?path=" + TestClient.enc("../../etc/passwd"), null)
                        .statusCode())
                .isEqualTo(400);
        // an absolute host path names a file inside the sandbox, not on the host
        assertThat(uploadOne(secret.toString(), "inside", 644).statusCode()).isEqualTo(200);
        assertThat(Files.readString(secret)).isEqualTo("host");
        // system folders are visible but read-only, for commands and for the files API
        assertThat(uploadOne("/etc/evil.conf", "x", 644).statusCode()).isEqualTo(403);
        assertThat(c.call(ep, "DELETE", "/files?path=/etc/hostname", null).statusCode())
                .isEqualTo(403);
        assertThat(stdout("test -r /etc/passwd && echo readable; touch /usr/evil 2>/dev/null || echo denied;" + " cat "
                        + secret))
                .containsExactly("readable", "denied", "inside");
        assertThat(Files.exists(Path.of("/usr/evil"))).isFalse();
        // a link made by a command cannot lead the files API outside the sandbox
        c.run(ep, "ln -s / /tmp/rootlink; ln -s " + outside + " /tmp/outlink");
        assertThat(uploadOne("/tmp/outlink/host-file.txt", "via-link", 644).statusCode())
                .isEqualTo(200);
        assertThat(Files.readString(secret)).isEqualTo("host");
        assertThat(stdout("cat " + secret)).containsExactly("via-link");
        HttpResponse<String> viaRoot = c.call(
                ep, "GET", "/files/download?path=" + TestClient.enc("/tmp/rootlink/tmp/outlink/host-file.txt"), null);
        assertThat(viaRoot.body()).isEqualTo("via-link");
    }

    @Test
    void infoListSearchReplaceMoveChmodAndDirectories() {
        HttpResponse<String> mk =
                c.call(ep, "POST", "/directories", "{\"/data/x/y\":{\"mode\":750},\"/data/z\":{\"mode\":0}}");
        assertThat(mk.statusCode()).isEqualTo(200);
        uploadOne("/data/x/y/f1.txt", "alpha beta alpha", 644);
        uploadOne("/data/z/f2.log", "gamma", 644);
        JsonNode info = TestClient.json(c.call(ep, "GET", "/files/info?path=/data/x/y&path=/data/x/y/f1.txt", null));
        assertThat(info.path("/data/x/y").path("type").asText()).isEqualTo("directory");
        assertThat(info.path("/data/x/y").path("mode").asInt()).isEqualTo(750);
        JsonNode f1 = info.path("/data/x/y/f1.txt");
        assertThat(f1.path("type").asText()).isEqualTo("file");
        assertThat(f1.path("size").asLong()).isEqualTo(16);
        assertThat(f1.path("owner").asText()).isNotBlank();
        assertThat(f1.path("modified_at").asText()).endsWith("Z");

        JsonNode list = TestClient.json(c.call(ep, "GET", "/directories/list?path=/data&depth=3", null));
        assertThat(list.findValuesAsText("path"))
                .containsExactly("/data/x", "/data/x/y", "/data/x/y/f1.txt", "/data/z", "/data/z/f2.log");
        JsonNode shallow = TestClient.json(c.call(ep, "GET", "/directories/list?path=/data", null));
        assertThat(shallow.findValuesAsText("path")).containsExactly("/data/x", "/data/z");

        JsonNode found =
                TestClient.json(c.call(ep, "GET", "/files/search?path=/data&pattern=" + TestClient.enc("*.txt"), null));
        assertThat(found.findValuesAsText("path")).containsExactly("/data/x/y/f1.txt");
        JsonNode everything = TestClient.json(c.call(ep, "GET", "/files/search?path=/data", null));
        assertThat(everything).hasSize(2);

        JsonNode replaced = TestClient.json(c.call(
                ep,
                "POST",
                "/files/replace?verbose=true",
                "{\"/data/x/y/f1.txt\":{\"old\":\"alpha\",\"new\":\"omega\"}}"));
        assertThat(replaced.path("/data/x/y/f1.txt").path("replacedCount").asInt())
                .isEqualTo(2);
        assertThat(stdout("cat /data/x/y/f1.txt")).containsExactly("omega beta omega");
        assertThat(c.call(ep, "POST", "/files/replace", "{\"/data/x/y/f1.txt\":{\"old\":\"\",\"new\":\"x\"}}")
                        .statusCode())
                .isEqualTo(400);

        assertThat(c.call(ep, "POST", "/files/mv", "[{\"src\":\"/data/z/f2.log\",\"dest\":\"/data/moved/f2.log\"}]")
                        .statusCode())
                .isEqualTo(200);
        assertThat(c.call(ep, "POST", "/files/permissions", "{\"/data/moved/f2.log\":{\"mode\":600}}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(stdout("stat -c %a /data/moved/f2.log; ls /data/z | wc -l")).containsExactly("600", "0");
        assertThat(c.call(ep, "POST", "/files/permissions", "{\"/data/moved/f2.log\":{\"mode\":999}}")
                        .statusCode())
                .isEqualTo(400);

        assertThat(c.call(ep, "DELETE", "/files?path=/data/moved/f2.log", null).statusCode())
                .isEqualTo(200);
        assertThat(c.call(ep, "DELETE", "/directories?path=/data", null).statusCode())
                .isEqualTo(200);
        assertThat(stdout("ls -d /data 2>/dev/null || echo gone")).containsExactly("gone");
        assertThat(c.call(ep, "GET", "/files/info", null).statusCode()).isEqualTo(400);
        assertThat(c.call(ep, "POST", "/files/mv", "{oops").statusCode()).isEqualTo(400);
        assertThat(c.call(ep, "GET", "/files/info?path=/nope", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void upload_streamsLargeFilesToDisk() throws Exception {
        long size = 48L * 1024 * 1024;
        String head = part("metadata", "metadata", "application/json", "{\"path\":\"/tmp/big.bin\"}")
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + BOUNDARY + "--\r\n";
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        InputStream data = new InputStream() {
            long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) ((size - left + i) * 31 % 251);
                }
                md.update(b, off, n);
                left -= n;
                return n;
            }
        };
        InputStream body = new SequenceInputStream(
                new SequenceInputStream(new java.io.ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)), data),
                new java.io.ByteArrayInputStream(tail.getBytes(StandardCharsets.UTF_8)));
        HttpRequest req = HttpRequest.newBuilder(URI.create(ep.base() + "/files/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build();
        HttpResponse<String> r = c.http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String expected = HexFormat.of().formatHex(md.digest());
        assertThat(stdout("sha256sum /tmp/big.bin | cut -d' ' -f1; stat -c %s /tmp/big.bin"))
                .containsExactly(expected, Long.toString(size));
    }
}
