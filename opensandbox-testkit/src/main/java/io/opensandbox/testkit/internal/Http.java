package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Small helpers around {@link HttpExchange}. */
final class Http {
    /** Largest JSON request body accepted (413 beyond). */
    static final int MAX_JSON_BODY = 10 * 1024 * 1024;

    private static final long MAX_DRAIN = 64L * 1024 * 1024;

    private Http() {}

    static byte[] readBody(HttpExchange ex, int limit) throws IOException, ApiException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    throw tooLarge(ex.getRequestBody(), limit);
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("INVALID_REQUEST_BODY", "invalid Content-Length");
            }
        }
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > limit) {
                throw tooLarge(in, limit);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Discards (a bounded amount of) the rest of the body so the client can read the 413 answer. */
    private static ApiException tooLarge(InputStream in, int limit) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long drained = 0;
        int n;
        while (drained < MAX_DRAIN && (n = in.read(buf)) >= 0) {
            drained += n;
        }
        return new ApiException(413, "REQUEST_TOO_LARGE", "request body larger than " + limit + " bytes");
    }

    static byte[] readJsonBody(HttpExchange ex) throws IOException, ApiException {
        return readBody(ex, MAX_JSON_BODY);
    }

    static void send(HttpExchange ex, int status, @Nullable String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        if (body.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", Json.bytes(body));
    }

    static void empty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }

    static void text(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, List<String>> query(HttpExchange ex) throws ApiException {
        Map<String, List<String>> result = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                result.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("INVALID_QUERY", "malformed percent-encoding in query parameter");
            }
        }
        return result;
    }

    static @Nullable String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static List<String> all(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null ? List.of() : values;
    }

    static String method(HttpExchange ex) {
        return ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
    }
}
