package io.opensandbox.api.internal.stream;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A fast path for the events that make up nearly all of a stream ({@code stdout}, {@code stderr}, {@code ping},
 * {@code init}, {@code execution_complete}): a flat JSON object whose values are strings, integers or
 * {@code null}. It reads such a line straight into a {@link WireEvent} without creating a parser; anything else
 * (nested values, fractions, booleans, malformed input) makes it give up, and the caller parses the line with
 * Jackson, which also judges whether it is JSON at all. Stateless.
 */
final class FlatEventScanner {
    private static final String[] TYPES = {
        "stdout", "stderr", "ping", "init", "execution_complete", "error", "result", "execution_count", "status"
    };
    private static final byte[][] TYPE_BYTES = new byte[TYPES.length][];

    static {
        for (int i = 0; i < TYPES.length; i++) {
            TYPE_BYTES[i] = TYPES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private FlatEventScanner() {}

    /** Field ids. */
    private static final int OTHER = 0;

    private static final int TYPE = 1;
    private static final int TEXT = 2;
    private static final int TIMESTAMP = 3;
    private static final int EXECUTION_TIME = 4;
    private static final int EXECUTION_COUNT = 5;
    private static final int CODE = 6;
    private static final int MESSAGE = 7;

    /**
     * Scans one line holding a JSON object.
     *
     * @param b the bytes
     * @param start the index of the opening brace
     * @param end the index after the last non-blank byte
     * @param event receives the fields; only meaningful when this returns {@code true}
     * @return whether the line was a flat object read completely
     */
    static boolean scan(byte[] b, int start, int end, WireEvent event) {
        int i = skip(b, start + 1, end);
        if (i < end && b[i] == '}') {
            return skip(b, i + 1, end) == end;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return false;
            }
            int keyStart = i + 1;
            int keyEnd = Bytes.indexOfStringSpecial(b, keyStart, end);
            if (keyEnd >= end || b[keyEnd] != '"') {
                return false; // no end, an escaped key or a control character: leave it to Jackson
            }
            int field = field(b, keyStart, keyEnd - keyStart);
            i = skip(b, keyEnd + 1, end);
            if (i >= end || b[i] != ':') {
                return false;
            }
            i = skip(b, i + 1, end);
            if (i >= end) {
                return false;
            }
            byte first = b[i];
            if (first == '"') {
                int found = stringEnd(b, i + 1, end);
                if (found == -1) {
                    return false;
                }
                boolean escaped = found < -1;
                int close = escaped ? -found - 2 : found;
                if (field != OTHER) {
                    String value = field == TYPE && !escaped ? type(b, i + 1, close) : null;
                    if (value == null) {
                        value = string(b, i + 1, close, escaped);
                        if (value == null) {
                            return false;
                        }
                    }
                    switch (field) {
                        case TYPE -> event.type = value;
                        case TEXT -> event.text = value;
                        case CODE -> event.code = value;
                        case MESSAGE -> event.message = value;
                        default -> {
                            // a number sent as a string: leave it to the general parser
                            return false;
                        }
                    }
                }
                i = close + 1;
            } else if (first == '-' || (first >= '0' && first <= '9')) {
                int j = first == '-' ? i + 1 : i;
                long value = 0;
                int digits = 0;
                while (j < end && b[j] >= '0' && b[j] <= '9') {
                    if (digits == 18) {
                        return false;
                    }
                    value = value * 10 + (b[j] - '0');
                    digits++;
                    j++;
                }
                if (digits == 0 || (digits > 1 && b[first == '-' ? i + 1 : i] == '0')) {
                    return false;
                }
                if (j < end && (b[j] == '.' || b[j] == 'e' || b[j] == 'E')) {
                    return false;
                }
                if (first == '-') {
                    value = -value;
                }
                switch (field) {
                    case TIMESTAMP -> event.timestamp = value;
                    case EXECUTION_TIME -> event.executionTime = value;
                    case EXECUTION_COUNT -> event.executionCount = value;
                    case OTHER -> {
                        // ignored
                    }
                    default -> {
                        return false;
                    }
                }
                i = j;
            } else if (first == 'n' && end - i >= 4 && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
                i += 4;
            } else {
                return false;
            }
            i = skip(b, i, end);
            if (i >= end) {
                return false;
            }
            if (b[i] == '}') {
                return skip(b, i + 1, end) == end;
            }
            if (b[i] != ',') {
                return false;
            }
            i = skip(b, i + 1, end);
        }
    }

    private static final byte[] TYPE_KEY = ascii("type");
    private static final byte[] TEXT_KEY = ascii("text");
    private static final byte[] CODE_KEY = ascii("code");
    private static final byte[] MESSAGE_KEY = ascii("message");
    private static final byte[] TIMESTAMP_KEY = ascii("timestamp");
    private static final byte[] EXECUTION_TIME_KEY = ascii("execution_time");
    private static final byte[] EXECUTION_COUNT_KEY = ascii("execution_count");

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static int field(byte[] b, int from, int length) {
        return switch (length) {
            case 4 ->
                equals(b, from, TYPE_KEY)
                        ? TYPE
                        : equals(b, from, TEXT_KEY) ? TEXT : equals(b, from, CODE_KEY) ? CODE : OTHER;
            case 7 -> equals(b, from, MESSAGE_KEY) ? MESSAGE : OTHER;
            case 9 -> equals(b, from, TIMESTAMP_KEY) ? TIMESTAMP : OTHER;
            case 14 -> equals(b, from, EXECUTION_TIME_KEY) ? EXECUTION_TIME : OTHER;
            case 15 -> equals(b, from, EXECUTION_COUNT_KEY) ? EXECUTION_COUNT : OTHER;
            // "error", "results" and unknown keys with nested values fail later on their value if not scalar
            default -> OTHER;
        };
    }

    /** Whether the bytes at {@code from} start with {@code name}; the caller checked that they are long enough. */
    private static boolean equals(byte[] b, int from, byte[] name) {
        for (int k = 0; k < name.length; k++) {
            if (b[from + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds the closing quote of a string whose body starts at {@code from}.
     *
     * @return the index of the closing quote when the string has no escapes; {@code -index - 2} when it has; -1 when
     *     it has a control character or no end
     */
    private static int stringEnd(byte[] b, int from, int end) {
        boolean escaped = false;
        int i = from;
        while (true) {
            i = Bytes.indexOfStringSpecial(b, i, end);
            if (i >= end) {
                return -1;
            }
            byte c = b[i];
            if (c == '"') {
                return escaped ? -i - 2 : i;
            }
            if (c != '\\') {
                return -1; // a control character
            }
            escaped = true;
            i += 2;
        }
    }

    private static @Nullable String type(byte[] b, int from, int to) {
        int length = to - from;
        for (int t = 0; t < TYPE_BYTES.length; t++) {
            byte[] candidate = TYPE_BYTES[t];
            if (candidate.length == length) {
                boolean same = true;
                for (int k = 0; k < length; k++) {
                    if (b[from + k] != candidate[k]) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return TYPES[t];
                }
            }
        }
        return null;
    }

    /** Decodes a JSON string body (without quotes); {@code null} if an escape is invalid. */
    private static @Nullable String string(byte[] b, int from, int to, boolean escaped) {
        if (!escaped) {
            return new String(b, from, to - from, StandardCharsets.UTF_8);
        }
        int backslash = from;
        while (b[backslash] != '\\') {
            backslash++;
        }
        StringBuilder out = new StringBuilder(to - from);
        int segment = from;
        int i = backslash;
        while (i < to) {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            out.append(new String(b, segment, i - segment, StandardCharsets.UTF_8));
            if (i + 1 >= to) {
                return null;
            }
            byte escape = b[i + 1];
            switch (escape) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (i + 6 > to) {
                        return null;
                    }
                    int code = 0;
                    for (int k = i + 2; k < i + 6; k++) {
                        int digit = Character.digit(b[k], 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
            i += 2;
            segment = i;
        }
        out.append(new String(b, segment, to - segment, StandardCharsets.UTF_8));
        return out.toString();
    }

    private static int skip(byte[] b, int from, int end) {
        int i = from;
        while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }
}
