package io.opensandbox.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxInternalException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The SDK's one JSON mapper: unknown fields ignored, nulls omitted unless a type says otherwise. */
public final class Json {
    /** The shared mapper; thread-safe. Wire types must be records or classes open to Jackson. */
    public static final ObjectMapper MAPPER = mapper(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS);

    private static final Map<JavaType, ObjectReader> READERS = new ConcurrentHashMap<>();

    private static final ObjectMapper WITH_NULLS = mapper(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS);

    private static ObjectMapper mapper(JsonInclude.Include values, JsonInclude.Include contents) {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .defaultPropertyInclusion(JsonInclude.Value.construct(values, contents))
                .build();
    }

    private Json() {}

    /**
     * Serialises a value keeping {@code null}s, for bodies where {@code null} means something (JSON merge patch).
     *
     * @param value the value
     * @return UTF-8 JSON
     */
    public static byte[] writeWithNulls(Object value) {
        try {
            return WITH_NULLS.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SandboxInternalException(
                    "could not serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Serialises a value.
     *
     * @param value the value
     * @return UTF-8 JSON
     */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SandboxInternalException(
                    "could not serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a value of the given type.
     *
     * @param <T> the type
     * @param bytes UTF-8 JSON
     * @param reference the type, for example {@code new TypeReference<List<Wire.Entry>>() {}}
     * @return the value
     * @throws SandboxException with code {@link SandboxError#UNEXPECTED_RESPONSE} if the JSON is invalid
     */
    public static <T> T read(byte[] bytes, TypeReference<T> reference) {
        JavaType type = MAPPER.getTypeFactory().constructType(reference);
        try {
            T value = reader(type).readValue(bytes);
            return present(value);
        } catch (IOException e) {
            throw notExpected(type, e);
        }
    }

    /**
     * Reads a value of the given class.
     *
     * @param <T> the type
     * @param bytes UTF-8 JSON
     * @param type the class
     * @return the value
     * @throws SandboxException with code {@link SandboxError#UNEXPECTED_RESPONSE} if the JSON is invalid
     */
    public static <T> T read(byte[] bytes, Class<T> type) {
        JavaType javaType = MAPPER.constructType(type);
        try {
            T value = reader(javaType).readValue(bytes);
            return present(value);
        } catch (IOException e) {
            throw notExpected(javaType, e);
        }
    }

    private static ObjectReader reader(JavaType type) {
        return READERS.computeIfAbsent(type, MAPPER::readerFor);
    }

    private static <T> T present(@Nullable T value) throws IOException {
        if (value == null) {
            throw new IOException("empty JSON body");
        }
        return value;
    }

    private static SandboxException notExpected(JavaType type, IOException e) {
        return unexpected(
                "the server sent a body that is not the expected "
                        + type.getRawClass().getSimpleName() + ": " + e.getMessage(),
                e);
    }

    /**
     * Parses a tree, or returns {@code null} when the bytes are not JSON.
     *
     * @param bytes the bytes
     * @return the tree, or {@code null}
     */
    public static @Nullable JsonNode tryTree(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Parses an RFC 3339 timestamp leniently (fractional seconds, {@code Z} or an offset).
     *
     * @param text the text, or {@code null}
     * @return the instant, or {@code null} for {@code null} or blank text
     */
    public static @Nullable Instant instant(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        Instant fast = rfc3339(value);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException again) {
                throw unexpected("the server sent an invalid timestamp '" + text + "'", e);
            }
        }
    }

    /**
     * Parses the common RFC 3339 form {@code yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm)} without a formatter (every
     * lifecycle response carries several timestamps); anything else returns {@code null} for the general parser.
     */
    static @Nullable Instant rfc3339(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour > 23
                || minute > 59
                || second > 59
                || hour < 0
                || minute < 0
                || second < 0) {
            return null;
        }
        int i = 19;
        long nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && Character.isDigit(s.charAt(i))) {
                if (i - start < 9) {
                    nanos = nanos * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int count = Math.min(i - start, 9);
            if (count == 0) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                return null;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static SandboxException unexpected(String message, Throwable cause) {
        return new SandboxException(new SandboxError(SandboxError.UNEXPECTED_RESPONSE, message), null, cause);
    }
}
