package io.opensandbox.commands;

import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** A slice of a background command's output and the cursor to continue from. Immutable. */
public final class CommandLogs {
    private final String content;
    private final @Nullable Long cursor;

    private CommandLogs(String content, @Nullable Long cursor) {
        this.content = Objects.requireNonNull(content, "content");
        this.cursor = cursor;
    }

    /**
     * Creates a slice.
     *
     * @param content the text
     * @param cursor the next cursor, or {@code null} when the server sent none
     * @return the slice
     */
    public static CommandLogs of(String content, @Nullable Long cursor) {
        return new CommandLogs(content, cursor);
    }

    /**
     * The output lines (stdout and stderr interleaved) as text.
     *
     * @return the text, possibly empty
     */
    public String content() {
        return content;
    }

    /**
     * The cursor to pass to the next {@link Commands#getBackgroundCommandLogs(String, long)} call.
     *
     * @return the cursor, if the server sent one
     */
    public OptionalLong cursor() {
        return cursor == null ? OptionalLong.empty() : OptionalLong.of(cursor);
    }

    @Override
    public String toString() {
        return "CommandLogs{" + content.length() + " chars, cursor=" + cursor + "}";
    }
}
