package io.opensandbox.api.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.CapacityExceededException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.ConnectionException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxInternalException;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.spi.RequestNotSentException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Turns HTTP error responses and transport failures into {@link SandboxException}s. */
public final class ErrorMapper {
    /** The request id header, looked up case-insensitively. */
    public static final String REQUEST_ID = "X-Request-ID";

    private static final int MAX_MESSAGE = 500;
    private static final int MAX_CODE = 100;
    private static final Pattern TAGS = Pattern.compile("(?s)<(script|style)[^>]*>.*?</\\1>|<[^>]+>");
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private ErrorMapper() {}

    /**
     * The exception for an HTTP error response.
     *
     * @param status the status
     * @param headers the response headers (case-insensitive keys)
     * @param body the body, possibly empty
     * @return the exception, of the subtype for the status
     */
    public static SandboxApiException fromResponse(int status, Map<String, List<String>> headers, byte[] body) {
        SandboxError error = parseError(status, body);
        String requestId = header(headers, REQUEST_ID);
        return switch (status) {
            case 401, 403 -> new AuthenticationException(status, error, requestId);
            case 404 -> new NotFoundException(status, error, requestId);
            case 409 -> new ConflictException(status, error, requestId);
            case 429 -> new RateLimitedException(status, error, requestId, retryAfter(header(headers, "Retry-After")));
            case 507 -> new CapacityExceededException(status, error, requestId);
            default -> new SandboxApiException(status, error, requestId, retryAfter(header(headers, "Retry-After")));
        };
    }

    /**
     * The first value of a header, looked up case-insensitively even in a map that is not.
     *
     * @param headers the headers
     * @param name the name
     * @return the value or {@code null}
     */
    public static @Nullable String header(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                    values = entry.getValue();
                    break;
                }
            }
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * Parses {@code Retry-After}: delta seconds or an HTTP date.
     *
     * @param value the header value, or {@code null}
     * @return the wait, or {@code null} when absent or unreadable
     */
    public static @Nullable Duration retryAfter(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /**
     * Reads the error from a body: {@code {code, message}}, FastAPI {@code {"detail": ...}}, {@code {"error":
     * ...}}, plain text or HTML.
     *
     * @param status the HTTP status
     * @param body the body
     * @return the error
     */
    public static SandboxError parseError(int status, byte[] body) {
        if (body.length == 0) {
            return new SandboxError(SandboxError.UNEXPECTED_RESPONSE, "empty response body");
        }
        JsonNode tree = Json.tryTree(body);
        if (tree != null && tree.isObject()) {
            SandboxError error = fromObject(tree);
            if (error != null) {
                return error;
            }
        }
        SandboxError partial = tree == null ? partialObject(body) : null;
        if (partial != null) {
            return partial;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("<")) {
            var title = TITLE.matcher(text);
            String summary = title.find() ? title.group(1) : TAGS.matcher(text).replaceAll(" ");
            return new SandboxError(SandboxError.UNEXPECTED_RESPONSE, "HTML page: " + clean(summary));
        }
        return new SandboxError(SandboxError.UNEXPECTED_RESPONSE, clean(text));
    }

    private static @Nullable SandboxError fromObject(JsonNode tree) {
        JsonNode code = tree.get("code");
        if (code != null && code.isValueNode() && !cleanCode(code.asText()).isEmpty()) {
            return new SandboxError(cleanCode(code.asText()), clean(text(tree.get("message"))));
        }
        JsonNode detail = tree.get("detail");
        if (detail != null) {
            if (detail.isObject()) {
                SandboxError inner = fromObject(detail);
                if (inner != null) {
                    return inner;
                }
            }
            if (detail.isTextual()) {
                return new SandboxError(SandboxError.UNEXPECTED_RESPONSE, clean(detail.asText()));
            }
            if (detail.isArray()) {
                StringBuilder message = new StringBuilder();
                for (JsonNode item : detail) {
                    if (message.length() > 0) {
                        message.append("; ");
                    }
                    JsonNode loc = item.get("loc");
                    if (loc != null && loc.isArray()) {
                        StringBuilder path = new StringBuilder();
                        loc.forEach(part ->
                                path.append(path.length() == 0 ? "" : ".").append(part.asText()));
                        message.append(path).append(": ");
                    }
                    message.append(text(item.get("msg")));
                }
                return new SandboxError("VALIDATION_ERROR", clean(message.toString()));
            }
        }
        JsonNode error = tree.get("error");
        if (error != null && error.isTextual()) {
            return new SandboxError(SandboxError.UNEXPECTED_RESPONSE, clean(error.asText()));
        }
        JsonNode message = tree.get("message");
        if (message != null && message.isTextual()) {
            return new SandboxError(SandboxError.UNEXPECTED_RESPONSE, clean(message.asText()));
        }
        return null;
    }

    /**
     * The {@code code} and {@code message} of a JSON object cut short (an error body longer than what is read):
     * read token by token until the text ends, at the top level or inside {@code detail}.
     */
    private static @Nullable SandboxError partialObject(byte[] body) {
        String[] found = new String[2]; // code, message
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            readFields(parser, found, true);
        } catch (IOException e) {
            // the body ends inside the object: keep what was read
        }
        String code = found[0];
        if (code == null || cleanCode(code).isEmpty()) {
            return null;
        }
        String message = found[1];
        return new SandboxError(
                cleanCode(code),
                message == null
                        ? "the error body was cut at " + body.length + " bytes, inside its message"
                        : clean(message));
    }

    private static void readFields(JsonParser parser, String[] found, boolean top) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == null) {
                return;
            }
            if (value.isScalarValue() && ("code".equals(name) || "message".equals(name))) {
                found["code".equals(name) ? 0 : 1] = parser.getText();
            } else if (top && value == JsonToken.START_OBJECT && "detail".equals(name)) {
                readFields(parser, found, false);
            } else {
                parser.skipChildren();
            }
        }
    }

    private static String text(@Nullable JsonNode node) {
        return node == null || node.isNull() ? "" : node.isValueNode() ? node.asText() : node.toString();
    }

    /** A code goes into messages and logs like the message does: no control character, bounded. */
    private static String cleanCode(String code) {
        String flat = SPACES.matcher(code.replaceAll("\\p{Cntrl}", " "))
                .replaceAll(" ")
                .strip();
        return flat.length() <= MAX_CODE ? flat : flat.substring(0, MAX_CODE) + "...";
    }

    private static String clean(String text) {
        String flat = SPACES.matcher(text.replaceAll("\\p{Cntrl}", " "))
                .replaceAll(" ")
                .strip();
        return flat.length() <= MAX_MESSAGE ? flat : flat.substring(0, MAX_MESSAGE) + "...";
    }

    /**
     * The exception for a failed call: a {@link SandboxException} is returned as it is, transport
     * {@link IOException}s are mapped by kind.
     *
     * @param failure the failure, possibly wrapped in a {@link CompletionException} or {@link ExecutionException}
     * @param what a short description of the call, for the message ({@code GET /v1/sandboxes/abc})
     * @return the exception
     */
    public static SandboxException fromFailure(Throwable failure, String what) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SandboxException sandboxException) {
            return sandboxException;
        }
        if (cause instanceof CancellationException) {
            return new SandboxException(new SandboxError(SandboxError.CANCELLED, what + " was cancelled"), null, cause);
        }
        if (cause instanceof SocketTimeoutException) {
            return new SandboxTimeoutException(what + " timed out: " + cause.getMessage(), cause);
        }
        if (cause instanceof ConnectException
                || cause instanceof RequestNotSentException
                || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException) {
            return new ConnectionException(
                    what + " could not reach the server (" + describe(cause) + "); check the domain and that the"
                            + " server is running",
                    cause,
                    false);
        }
        if (cause instanceof IOException) {
            return new ConnectionException(what + " failed: " + describe(cause), cause, true);
        }
        return new SandboxInternalException(what + " failed unexpectedly: " + describe(cause), cause);
    }

    /**
     * Removes {@link CompletionException} and {@link ExecutionException} wrappers.
     *
     * @param failure the failure
     * @return the innermost meaningful cause
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
