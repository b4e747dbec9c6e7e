package io.opensandbox.api.internal.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.opensandbox.api.internal.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes execd's event stream: one JSON object per line, events separated by blank lines, no SSE {@code data:}
 * field. Also accepts real SSE framing ({@code data:} prefixes, {@code :} comments, {@code event:}/{@code id:}/
 * {@code retry:} lines), unknown fields and types, and buffers split at any byte, including inside a UTF-8
 * character. A line that is not a JSON object is logged and skipped.
 *
 * <p>Lines are cut and parsed as bytes, never decoded to an intermediate {@code String} (which is why this does not
 * take the String lines of {@link Lines#feedText}): flat events, nearly all of a stream, go through
 * {@link FlatEventScanner}; the rest through Jackson's streaming parser over the byte range, never a tree per
 * event.
 * Not thread-safe: one consumer thread at a time.
 */
public final class EventDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(EventDecoder.class);
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] IGNORED = {
        "event:".getBytes(StandardCharsets.US_ASCII),
        "id:".getBytes(StandardCharsets.US_ASCII),
        "retry:".getBytes(StandardCharsets.US_ASCII)
    };

    /** Receives decoded events. */
    public interface Sink {
        /**
         * One event.
         *
         * @param event the event, reused after the call returns
         * @return {@code true} to stop decoding (the terminal event was seen)
         */
        boolean onEvent(WireEvent event);
    }

    private final boolean keepJson;
    private final boolean fastPath;
    private final WireEvent event = new WireEvent();
    private final Lines lines;
    private final Lines.Sink cutter = this::line;
    private Sink sink = event -> false;
    private long events;
    private long skipped;

    /**
     * Creates a decoder.
     *
     * @param maxLineLength the longest line accepted, in bytes
     * @param keepJson whether each event carries its JSON text ({@link WireEvent#json()})
     */
    public EventDecoder(int maxLineLength, boolean keepJson) {
        this(maxLineLength, keepJson, true);
    }

    /**
     * Creates a decoder, optionally without the fast path for flat events (tests compare both).
     *
     * @param maxLineLength the longest line accepted, in bytes
     * @param keepJson whether each event carries its JSON text ({@link WireEvent#json()})
     * @param fastPath whether flat events are scanned directly instead of through Jackson
     */
    public EventDecoder(int maxLineLength, boolean keepJson, boolean fastPath) {
        this.lines = new Lines(maxLineLength, "an event line");
        this.keepJson = keepJson;
        this.fastPath = fastPath;
    }

    /**
     * The number of events decoded so far.
     *
     * @return the count
     */
    public long events() {
        return events;
    }

    /**
     * The number of non-blank lines skipped because they were not JSON objects.
     *
     * @return the count
     */
    public long skipped() {
        return skipped;
    }

    /**
     * Feeds a buffer.
     *
     * @param buffer the bytes; consumed
     * @param sink receives each complete event
     * @return {@code true} if the sink asked to stop (the rest of the buffer is dropped)
     * @throws IllegalStateException if a line is longer than the maximum
     */
    public boolean feed(ByteBuffer buffer, Sink sink) {
        this.sink = sink;
        return lines.feed(buffer, cutter);
    }

    /**
     * Feeds bytes.
     *
     * @param array the bytes
     * @param start the first index
     * @param end the index after the last
     * @param sink receives each complete event
     * @return {@code true} if the sink asked to stop
     */
    public boolean feed(byte[] array, int start, int end, Sink sink) {
        this.sink = sink;
        return lines.feed(array, start, end, cutter);
    }

    /**
     * Decodes what is left after the stream ended without a final newline.
     *
     * @param sink receives the last event, if any
     * @return {@code true} if the sink asked to stop
     */
    public boolean finish(Sink sink) {
        this.sink = sink;
        return lines.finish(cutter);
    }

    private boolean line(byte[] bytes, int from, int to) {
        int start = skipSpace(bytes, from, to);
        int end = to;
        while (end > start && isSpace(bytes[end - 1])) {
            end--;
        }
        if (start == end) {
            return false;
        }
        byte first = bytes[start];
        if (first != '{') {
            if (first == ':') {
                return false;
            }
            if (startsWith(bytes, start, end, DATA)) {
                start = skipSpace(bytes, start + DATA.length, end);
                if (start == end) {
                    return false;
                }
            } else {
                for (byte[] prefix : IGNORED) {
                    if (startsWith(bytes, start, end, prefix)) {
                        return false;
                    }
                }
                return garbage(bytes, start, end, null);
            }
        }
        event.reset();
        if (fastPath && bytes[start] == '{' && FlatEventScanner.scan(bytes, start, end, event)) {
            return emit(bytes, start, end, sink);
        }
        event.reset();
        try (JsonParser parser = FACTORY.createParser(bytes, start, end - start)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return garbage(bytes, start, end, null);
            }
            parseObject(parser);
            if (parser.nextToken() != null) {
                return garbage(bytes, start, end, null);
            }
        } catch (IOException e) {
            return garbage(bytes, start, end, e);
        }
        return emit(bytes, start, end, sink);
    }

    private boolean emit(byte[] bytes, int start, int end, Sink sink) {
        if (keepJson) {
            event.json = new String(bytes, start, end - start, StandardCharsets.UTF_8);
        }
        events++;
        return sink.onEvent(event);
    }

    private void parseObject(JsonParser parser) throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "type" -> event.type = parser.getValueAsString();
                case "text" -> event.text = parser.getValueAsString();
                case "timestamp" -> event.timestamp = number(parser);
                case "execution_time" -> event.executionTime = number(parser);
                case "execution_count" -> event.executionCount = number(parser);
                case "code" -> event.code = scalar(parser);
                case "message" -> event.message = scalar(parser);
                case "results" -> event.results = results(parser);
                case "error" -> error(parser, value);
                default -> parser.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IOException("not a JSON object");
        }
    }

    private static long number(JsonParser parser) throws IOException {
        if (parser.currentToken().isNumeric()) {
            return parser.getValueAsLong();
        }
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(parser.getText().strip());
            } catch (NumberFormatException e) {
                return WireEvent.ABSENT;
            }
        }
        parser.skipChildren();
        return WireEvent.ABSENT;
    }

    private static String scalar(JsonParser parser) throws IOException {
        if (parser.currentToken().isScalarValue()) {
            return parser.getText();
        }
        JsonNode tree = parser.readValueAsTree();
        return tree.toString();
    }

    private static Map<String, String> results(JsonParser parser) throws IOException {
        Map<String, String> results = new LinkedHashMap<>();
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return results;
        }
        JsonNode tree = parser.readValueAsTree();
        for (Map.Entry<String, JsonNode> entry : tree.properties()) {
            JsonNode node = entry.getValue();
            if (!node.isNull()) {
                results.put(entry.getKey(), node.isTextual() ? node.asText() : node.toString());
            }
        }
        return results;
    }

    private void error(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.START_OBJECT) {
            event.hasError = true;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken inner = parser.nextToken();
                if (inner == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (name) {
                    case "ename" -> event.errorName = scalar(parser);
                    case "evalue" -> event.errorValue = scalar(parser);
                    case "traceback" -> {
                        if (inner == JsonToken.START_ARRAY) {
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                if (parser.currentToken() != JsonToken.VALUE_NULL) {
                                    event.traceback.add(scalar(parser));
                                }
                            }
                        } else {
                            event.traceback.add(scalar(parser));
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new IOException("error is not a JSON object");
            }
        } else if (value.isScalarValue()) {
            event.errorText = parser.getText();
        } else {
            parser.skipChildren();
        }
    }

    private boolean garbage(byte[] bytes, int start, int end, @org.jspecify.annotations.Nullable IOException e) {
        skipped++;
        if (LOG.isDebugEnabled()) {
            int shown = Math.min(end - start, 200);
            LOG.debug(
                    "skipping a stream line that is not a JSON event ({} bytes): {}{}",
                    end - start,
                    new String(bytes, start, shown, StandardCharsets.UTF_8),
                    e == null ? "" : " (" + e.getMessage() + ")");
        }
        return false;
    }

    private static int skipSpace(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && isSpace(bytes[i])) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private static boolean startsWith(byte[] bytes, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
