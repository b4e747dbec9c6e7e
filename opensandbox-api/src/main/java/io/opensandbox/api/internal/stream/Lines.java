package io.opensandbox.api.internal.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines across buffer boundaries at any byte (a line, or a multi-byte UTF-8 character,
 * split between two buffers comes out whole). Lines end with {@code \n}. Complete lines inside a buffer are handed
 * over as a range of that buffer's bytes, without copying; only the piece of a line that spans two buffers is
 * copied into a pending array, bounded by the longest line accepted. Not thread-safe: feed it from one thread at a
 * time (the stream runtime does).
 *
 * <p>Two ways to take the lines: {@link #feed(ByteBuffer, Sink)} hands out byte ranges (the event decoder parses
 * them in place); {@link #feedText(ByteBuffer, Consumer)} hands out UTF-8 strings without a trailing {@code \r}.
 */
public final class Lines {

    /** Receives each line as a byte range; the bytes are only valid during the call. */
    public interface Sink {
        /**
         * One line, without its {@code \n}.
         *
         * @param bytes the bytes
         * @param from the first index
         * @param to the index after the last
         * @return {@code true} to stop: the rest of the buffer is dropped
         */
        boolean line(byte[] bytes, int from, int to);
    }

    private final int maxLineLength;
    private final String tooLong;
    private byte[] pending = new byte[256];
    private int pendingLength;
    private byte[] scratch = new byte[0];

    /**
     * Creates a cutter.
     *
     * @param maxLineLength the longest line accepted, in bytes
     * @param what what a line is called in the message of a line too long ({@code "an event line"})
     */
    public Lines(int maxLineLength, String what) {
        this.maxLineLength = maxLineLength;
        this.tooLong = what + " is longer than " + maxLineLength + " bytes";
    }

    /**
     * Feeds a buffer (heap or direct).
     *
     * @param buffer the bytes; consumed
     * @param sink receives each complete line
     * @return {@code true} if the sink asked to stop
     * @throws IllegalStateException if a line grows past the maximum length
     */
    public boolean feed(ByteBuffer buffer, Sink sink) {
        if (buffer.hasArray()) {
            byte[] array = buffer.array();
            int start = buffer.arrayOffset() + buffer.position();
            int end = buffer.arrayOffset() + buffer.limit();
            buffer.position(buffer.limit());
            return feed(array, start, end, sink);
        }
        int length = buffer.remaining();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 8192)];
        }
        buffer.get(scratch, 0, length);
        return feed(scratch, 0, length, sink);
    }

    /**
     * Feeds bytes.
     *
     * @param array the bytes
     * @param start the first index
     * @param end the index after the last
     * @param sink receives each complete line
     * @return {@code true} if the sink asked to stop
     * @throws IllegalStateException if a line grows past the maximum length
     */
    public boolean feed(byte[] array, int start, int end, Sink sink) {
        int lineStart = start;
        int i;
        while ((i = Bytes.indexOfNewline(array, lineStart, end)) >= 0) {
            boolean stop;
            if (pendingLength == 0) {
                stop = sink.line(array, lineStart, i);
            } else {
                append(array, lineStart, i);
                int length = pendingLength;
                pendingLength = 0;
                stop = sink.line(pending, 0, length);
            }
            if (stop) {
                return true;
            }
            lineStart = i + 1;
        }
        if (lineStart < end) {
            append(array, lineStart, end);
        }
        return false;
    }

    /**
     * Hands over what is left after the stream ended without a final newline, as a last line.
     *
     * @param sink receives the last line, if any bytes are left
     * @return {@code true} if the sink asked to stop
     */
    public boolean finish(Sink sink) {
        if (pendingLength == 0) {
            return false;
        }
        int length = pendingLength;
        pendingLength = 0;
        return sink.line(pending, 0, length);
    }

    /**
     * Feeds a buffer and hands each complete line over as text (UTF-8, a {@code \r} before the {@code \n}
     * dropped).
     *
     * @param buffer the bytes; consumed
     * @param lines receives each line
     * @throws IllegalStateException if a line grows past the maximum length
     */
    public void feedText(ByteBuffer buffer, Consumer<String> lines) {
        feed(buffer, (bytes, from, to) -> {
            lines.accept(text(bytes, from, to));
            return false;
        });
    }

    /**
     * The bytes after the last line terminator, as text; the stream ended without a final newline.
     *
     * @return the rest, possibly empty
     */
    public String rest() {
        String[] rest = {""};
        finish((bytes, from, to) -> {
            rest[0] = text(bytes, from, to);
            return false;
        });
        return rest[0];
    }

    private void append(byte[] array, int from, int to) {
        int length = to - from;
        if (pendingLength + length > maxLineLength) {
            pendingLength = 0;
            throw new IllegalStateException(tooLong);
        }
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(array, from, pending, pendingLength, length);
        pendingLength += length;
    }

    private static String text(byte[] array, int from, int to) {
        int end = to > from && array[to - 1] == '\r' ? to - 1 : to;
        return new String(array, from, end - from, StandardCharsets.UTF_8);
    }
}
