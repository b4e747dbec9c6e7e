package io.opensandbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Runs the shaded standalone jar exactly as the README tells users to ({@code java -jar
 * opensandbox-testkit-VERSION-server.jar --port P --api-key K}), so its manifest, merged resources and the Jackson and
 * SLF4J classes packed into it are exercised, not the test class path. Run by maven-failsafe-plugin after the
 * {@code package} phase has built the jar; the jar's path comes from the system property {@code testkit.serverJar}.
 */
class ServerJarIT {

    private static final String API_KEY = "jar-it-key";
    private static final String KEY_HEADER = "OPEN-SANDBOX-API-KEY";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void serverJar_startsServesTheApiOnLoopback_andStopsOnSigterm() throws Exception {
        String jarProperty = System.getProperty("testkit.serverJar");
        assertThat(jarProperty)
                .as("system property testkit.serverJar (set by the failsafe configuration)")
                .isNotBlank();
        Path jar = Path.of(jarProperty);
        assertThat(jar).as("the shaded server jar").isRegularFile();

        int port = freeLoopbackPort();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        javaBin.toString(),
                        "-jar",
                        jar.toString(),
                        "--port",
                        Integer.toString(port),
                        "--api-key",
                        API_KEY,
                        "--grace-period-ms",
                        "10",
                        "--allowed-host-paths",
                        "/srv/osb-allowed,/tmp/osb-it")
                .redirectErrorStream(true)
                .start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<String> listening = pumpOutput(p, output);
        try {
            String line;
            try {
                line = listening.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                String exit = p.waitFor(2, TimeUnit.SECONDS) ? "exited with " + p.exitValue() : "still running";
                throw new AssertionError(
                        "java -jar " + jar.getFileName() + " did not report listening (" + exit + "); output:\n"
                                + output,
                        e);
            }
            assertThat(line).isEqualTo("OpenSandbox local server listening on 127.0.0.1:" + port);
            assertThat(output.toString()).as("the jar carries a logger").doesNotContain("No SLF4J providers");
            String base = "http://127.0.0.1:" + port + "/v1";

            // rejected without the key, and with a wrong one
            HttpResponse<String> noKey = send("GET", base + "/sandboxes", null, Map.of());
            assertThat(noKey.statusCode()).as(noKey.body()).isEqualTo(401);
            assertThat(json(noKey).path("code").asText()).isEqualTo("MISSING_API_KEY");
            HttpResponse<String> wrongKey = send("GET", base + "/sandboxes", null, Map.of(KEY_HEADER, "nope"));
            assertThat(wrongKey.statusCode()).as(wrongKey.body()).isEqualTo(401);

            // host volumes only under --allowed-host-paths
            HttpResponse<String> etc = send(
                    "POST",
                    base + "/sandboxes",
                    "{\"image\":{\"uri\":\"ubuntu\"},\"entrypoint\":[\"true\"],\"volumes\":[{\"name\":\"v\","
                            + "\"mountPath\":\"/mnt/v\",\"host\":{\"path\":\"/etc\"}}]}",
                    Map.of(KEY_HEADER, API_KEY));
            assertThat(etc.statusCode()).as(etc.body()).isEqualTo(400);
            assertThat(json(etc).path("code").asText()).isEqualTo("VOLUME::HOST_PATH_NOT_ALLOWED");
            assertThat(json(etc).path("message").asText())
                    .isEqualTo("Host path '/etc' is not under any allowed prefix. Allowed prefixes:"
                            + " ['/srv/osb-allowed', '/tmp/osb-it']");

            // an authenticated lifecycle: create, wait for Running, run a command through execd, delete
            Map<String, String> auth = Map.of(KEY_HEADER, API_KEY);
            HttpResponse<String> created = send(
                    "POST",
                    base + "/sandboxes",
                    "{\"image\":{\"uri\":\"ubuntu\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]}",
                    auth);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
            String id = json(created).get("id").asText();
            awaitRunning(base + "/sandboxes/" + id, auth);

            HttpResponse<String> unauthDelete = send("DELETE", base + "/sandboxes/" + id, null, Map.of());
            assertThat(unauthDelete.statusCode()).as(unauthDelete.body()).isEqualTo(401);

            HttpResponse<String> endpoint = send("GET", base + "/sandboxes/" + id + "/endpoints/44772", null, auth);
            assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(200);
            JsonNode ep = json(endpoint);
            Map<String, String> execdHeaders = new LinkedHashMap<>();
            ep.path("headers")
                    .properties()
                    .forEach(e -> execdHeaders.put(e.getKey(), e.getValue().asText()));
            HttpResponse<String> command = send(
                    "POST",
                    "http://" + ep.get("endpoint").asText() + "/command",
                    "{\"command\":\"echo from-the-jar\"}",
                    execdHeaders);
            assertThat(command.statusCode()).as(command.body()).isEqualTo(200);
            assertThat(command.body()).contains("\"stdout\"").contains("from-the-jar");

            // a PTY session over the WebSocket: pty4j's native library and the frame codec load from the shaded jar
            TestClient.Endpoint execd =
                    new TestClient.Endpoint("http://" + ep.get("endpoint").asText(), execdHeaders);
            HttpResponse<String> pty = send("POST", execd.base() + "/pty", "{}", execdHeaders);
            assertThat(pty.statusCode()).as(pty.body()).isEqualTo(201);
            String ptyId = json(pty).path("session_id").asText();
            PtyTerm term = PtyTerm.connect(http, execd, ptyId, "");
            term.type("tty; echo from-the-''pty\n");
            term.awaitOutput("from-the-pty", 20);
            assertThat(term.stdout()).contains("/dev/pts/");
            term.ws.abort();

            HttpResponse<String> deleted = send("DELETE", base + "/sandboxes/" + id, null, auth);
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
            assertThat(send("GET", base + "/sandboxes/" + id, null, auth).statusCode())
                    .isEqualTo(404);

            assertNotReachableOffLoopback(port);

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(5, TimeUnit.SECONDS))
                    .as("exits within 5 s of SIGTERM; output:\n%s", output)
                    .isTrue();
            // 128 + SIGTERM: the JVM ran its shutdown hooks and exited because of the signal
            assertThat(p.exitValue()).as("exit status; output:\n%s", output).isEqualTo(143);
        } finally {
            p.destroyForcibly();
        }
    }

    /** Reads the child's output on a daemon thread; completes with the "listening on" line, or fails at EOF. */
    private static CompletableFuture<String> pumpOutput(Process p, StringBuffer output) {
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            output.append(line).append('\n');
                            // the line main prints for scripts; the jar also logs one through slf4j-simple
                            if (line.startsWith("OpenSandbox local server listening on")) {
                                listening.complete(line);
                            }
                        }
                    } catch (IOException e) {
                        listening.completeExceptionally(e);
                    }
                    listening.completeExceptionally(new IllegalStateException("output ended"));
                },
                "server-jar-output");
        pump.setDaemon(true);
        pump.start();
        return listening;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The port must not accept connections on this host's non-loopback IPv4 addresses (if it has any). */
    private static void assertNotReachableOffLoopback(int port) throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                if (!(address instanceof Inet4Address) || address.isLoopbackAddress()) {
                    continue;
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, port), 2000);
                    fail("the server accepted a connection on " + address.getHostAddress() + ":" + port);
                } catch (IOException expected) {
                    // refused (or filtered): only 127.0.0.1 is bound
                }
            }
        }
    }

    private void awaitRunning(String url, Map<String, String> auth) throws InterruptedException {
        String state = "";
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> r = send("GET", url, null, auth);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            state = json(r).path("status").path("state").asText();
            if (state.equals("Running")) {
                return;
            }
            Thread.sleep(50);
        }
        fail("sandbox did not reach Running; last state " + state);
    }

    private HttpResponse<String> send(String method, String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
        headers.forEach(b::header);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }
}
