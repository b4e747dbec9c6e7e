package io.opensandbox.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A thin JDK HttpClient wrapper for the tests: lifecycle calls plus execd/egress calls through endpoints. */
final class TestClient {
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final LocalSandboxServer server;
    final String apiKey;

    TestClient(LocalSandboxServer server) {
        this.server = server;
        this.apiKey = server == null || server.apiKey() == null ? "" : server.apiKey();
    }

    String lifecycle(String path) {
        return "http://" + server.domain() + "/v1" + path;
    }

    HttpResponse<String> send(String method, String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> api(String method, String path, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        if (!apiKey.isEmpty()) {
            h.put("OPEN-SANDBOX-API-KEY", apiKey);
        }
        return send(method, lifecycle(path), body, h);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + r.body(), e);
        }
    }

    /** Creates a sandbox and waits until it is Running; returns its id. */
    String createSandbox(String extraJson) {
        String body = "{\"image\":{\"uri\":\"ubuntu\"},\"entrypoint\":[\"tail\",\"-f\",\"/dev/null\"]"
                + (extraJson.isEmpty() ? "" : "," + extraJson) + "}";
        HttpResponse<String> r = api("POST", "/sandboxes", body);
        if (r.statusCode() != 202) {
            throw new AssertionError("create failed: " + r.statusCode() + " " + r.body());
        }
        String id = json(r).get("id").asText();
        awaitState(id, "Running");
        return id;
    }

    void awaitState(String id, String state) {
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = api("GET", "/sandboxes/" + id, null);
            if (r.statusCode() == 200
                    && json(r).path("status").path("state").asText().equals(state)) {
                return;
            }
            sleep(50);
        }
        throw new AssertionError("sandbox " + id + " did not reach " + state);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An execd or egress endpoint: base URL and headers. */
    record Endpoint(String base, Map<String, String> headers) {}

    Endpoint endpoint(String id, int port, boolean proxy) {
        HttpResponse<String> r =
                api("GET", "/sandboxes/" + id + "/endpoints/" + port + (proxy ? "?use_server_proxy=true" : ""), null);
        if (r.statusCode() != 200) {
            throw new AssertionError("endpoint failed: " + r.statusCode() + " " + r.body());
        }
        JsonNode n = json(r);
        Map<String, String> headers = new LinkedHashMap<>();
        n.path("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        // concatenation, never resolution: the endpoint carries a path
        return new Endpoint("http://" + n.get("endpoint").asText(), headers);
    }

    HttpResponse<String> call(Endpoint ep, String method, String path, String body) {
        return send(method, ep.base() + path, body, ep.headers());
    }

    /** One streamed event with its arrival time. */
    record Event(JsonNode json, String raw, long arrivedAtMs) {}

    /** Posts to a streaming route and collects the events until the server closes the stream. */
    List<Event> stream(Endpoint ep, String path, String body, StringBuilder rawOut) {
        return stream(ep, path, body, rawOut, e -> {});
    }

    List<Event> stream(
            Endpoint ep, String path, String body, StringBuilder rawOut, java.util.function.Consumer<Event> onEvent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ep.base() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        ep.headers().forEach(b::header);
        List<Event> events = new ArrayList<>();
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new AssertionError("stream failed: " + r.statusCode() + " "
                        + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    rawOut.append(line).append('\n');
                    if (!line.isBlank()) {
                        Event ev = new Event(JSON.readTree(line), line, System.currentTimeMillis());
                        events.add(ev);
                        onEvent.accept(ev);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return events;
    }

    List<Event> run(Endpoint ep, String command) {
        return stream(ep, "/command", "{\"command\":" + quote(command) + "}", new StringBuilder());
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<String> texts(List<Event> events, String type) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            if (e.json().path("type").asText().equals(type)) {
                out.add(e.json().path("text").asText());
            }
        }
        return out;
    }

    static List<String> types(List<Event> events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.json().path("type").asText());
        }
        return out;
    }
}
