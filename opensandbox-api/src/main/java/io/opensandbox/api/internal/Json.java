package io.opensandbox.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
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
     * @param type the type
     * @return the value
     * @throws SandboxException with code {@link SandboxError#UNEXPECTED_RESPONSE} if the JSON is invalid
     */
    public static <T> T read(byte[] bytes, JavaType type) {
        try {
            T value = READERS.computeIfAbsent(type, MAPPER::readerFor).readValue(bytes);
            if (value == null) {
                throw new IOException("empty JSON body");
            }
            return value;
        } catch (IOException e) {
            throw unexpected(
                    "the server sent a body that is not the expected "
                            + type.getRawClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Reads a value of the given class.
     *
     * @param <T> the type
     * @param bytes UTF-8 JSON
     * @param type the class
     * @return the value
     */
    public static <T> T read(byte[] bytes, Class<T> type) {
        return read(bytes, MAPPER.constructType(type));
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
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text.strip());
            } catch (DateTimeParseException again) {
                throw unexpected("the server sent an invalid timestamp '" + text + "'", e);
            }
        }
    }

    private static SandboxException unexpected(String message, Throwable cause) {
        return new SandboxException(new SandboxError(SandboxError.UNEXPECTED_RESPONSE, message), null, cause);
    }
}
