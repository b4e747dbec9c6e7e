package io.opensandbox.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** JSON helpers on Jackson's tree model (no reflection, so nothing is opened to Jackson). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String string(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    /** Parses a request body; malformed JSON is a 400 with the given code. */
    static JsonNode parse(byte[] body, String code) throws ApiException {
        if (body.length == 0) {
            throw ApiException.badRequest(code, "request body is empty; a JSON document is required");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest(code, "request body is empty; a JSON document is required");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest(code, "malformed JSON body: " + firstLine(e.getMessage()));
        }
    }

    static ObjectNode parseObject(byte[] body, String code) throws ApiException {
        JsonNode node = parse(body, code);
        if (!node.isObject()) {
            throw ApiException.badRequest(code, "request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static void requireOnly(JsonNode node, Set<String> allowed, String where, String code) throws ApiException {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(code, "unknown field '" + name + "' in " + where);
            }
        }
    }

    static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    static @Nullable String text(JsonNode node, String field, String code) throws ApiException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(code, "field '" + field + "' must be a string");
        }
        return v.textValue();
    }

    static String requiredText(JsonNode node, String field, String code) throws ApiException {
        String v = text(node, field, code);
        if (v == null) {
            throw ApiException.badRequest(code, "field '" + field + "' is required");
        }
        return v;
    }

    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
