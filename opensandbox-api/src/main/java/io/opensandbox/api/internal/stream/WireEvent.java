package io.opensandbox.api.internal.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One decoded event of execd's stream. Mutable and reused by {@link EventDecoder} for every line: a sink must copy
 * what it keeps before it returns.
 */
public final class WireEvent {
    /** Absent numeric fields. */
    public static final long ABSENT = Long.MIN_VALUE;

    @Nullable
    String type;

    @Nullable
    String text;

    long timestamp = ABSENT;
    long executionTime = ABSENT;
    long executionCount = ABSENT;

    @Nullable
    Map<String, String> results;

    boolean hasError;

    @Nullable
    String errorName;

    @Nullable
    String errorValue;

    final List<String> traceback = new ArrayList<>();

    @Nullable
    String errorText;

    @Nullable
    String code;

    @Nullable
    String message;

    @Nullable
    String json;

    void reset() {
        type = null;
        text = null;
        timestamp = ABSENT;
        executionTime = ABSENT;
        executionCount = ABSENT;
        results = null;
        hasError = false;
        errorName = null;
        errorValue = null;
        traceback.clear();
        errorText = null;
        code = null;
        message = null;
        json = null;
    }

    /**
     * The {@code type} field.
     *
     * @return the type, or {@code null}
     */
    public @Nullable String type() {
        return type;
    }

    /**
     * The {@code text} field.
     *
     * @return the text, or {@code null}
     */
    public @Nullable String text() {
        return text;
    }

    /**
     * The {@code timestamp} field (epoch milliseconds).
     *
     * @return the timestamp, or {@link #ABSENT}
     */
    public long timestamp() {
        return timestamp;
    }

    /**
     * The {@code execution_time} field (milliseconds).
     *
     * @return the time, or {@link #ABSENT}
     */
    public long executionTime() {
        return executionTime;
    }

    /**
     * The {@code execution_count} field.
     *
     * @return the count, or {@link #ABSENT}
     */
    public long executionCount() {
        return executionCount;
    }

    /**
     * The {@code results} field, values as text.
     *
     * @return the results, or {@code null}
     */
    public @Nullable Map<String, String> results() {
        return results;
    }

    /**
     * Whether an {@code error} object was present.
     *
     * @return whether there is an error object
     */
    public boolean hasError() {
        return hasError;
    }

    /**
     * {@code error.ename}.
     *
     * @return the name, or {@code null}
     */
    public @Nullable String errorName() {
        return errorName;
    }

    /**
     * {@code error.evalue}.
     *
     * @return the value, or {@code null}
     */
    public @Nullable String errorValue() {
        return errorValue;
    }

    /**
     * {@code error.traceback}.
     *
     * @return the lines (reused; copy to keep)
     */
    public List<String> traceback() {
        return traceback;
    }

    /**
     * A textual {@code error} field ({@code {"error":"..."}}).
     *
     * @return the text, or {@code null}
     */
    public @Nullable String errorText() {
        return errorText;
    }

    /**
     * The {@code code} of an error object appended to the stream.
     *
     * @return the code, or {@code null}
     */
    public @Nullable String code() {
        return code;
    }

    /**
     * The {@code message} of an error object appended to the stream.
     *
     * @return the message, or {@code null}
     */
    public @Nullable String message() {
        return message;
    }

    /**
     * The JSON text of the event, when the decoder was asked to keep it.
     *
     * @return the JSON, or {@code null}
     */
    public @Nullable String json() {
        return json;
    }
}
