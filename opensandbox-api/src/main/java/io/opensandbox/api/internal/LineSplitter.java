package io.opensandbox.api.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a byte stream into UTF-8 lines, across buffer boundaries at any byte (a multi-byte character split
 * between two buffers is decoded whole). Lines end with {@code \n}; a {@code \r} before it is dropped. Not
 * thread-safe: feed it from one thread at a time.
 */
public final class LineSplitter {
    private final int maxLineLength;
    private byte[] pending = new byte[256];
    private int pendingLength;

    /**
     * Creates a splitter.
     *
     * @param maxLineLength the longest line accepted, in bytes
     */
    public LineSplitter(int maxLineLength) {
        this.maxLineLength = maxLineLength;
    }

    /**
     * Feeds a buffer; every complete line is passed to {@code lines}.
     *
     * @param buffer the bytes; consumed
     * @param lines receives each line without its terminator
     * @throws IllegalStateException if a line grows past the maximum length
     */
    public void feed(ByteBuffer buffer, Consumer<String> lines) {
        if (buffer.hasArray()) {
            byte[] array = buffer.array();
            int start = buffer.arrayOffset() + buffer.position();
            int end = buffer.arrayOffset() + buffer.limit();
            feed(array, start, end, lines);
            buffer.position(buffer.limit());
        } else {
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            feed(copy, 0, copy.length, lines);
        }
    }

    private void feed(byte[] array, int start, int end, Consumer<String> lines) {
        int lineStart = start;
        for (int i = start; i < end; i++) {
            if (array[i] == '\n') {
                if (pendingLength == 0) {
                    lines.accept(decode(array, lineStart, i));
                } else {
                    append(array, lineStart, i);
                    lines.accept(decode(pending, 0, pendingLength));
                    pendingLength = 0;
                }
                lineStart = i + 1;
            }
        }
        if (lineStart < end) {
            append(array, lineStart, end);
        }
    }

    /**
     * The bytes after the last line terminator, as a line; the stream ended without a final newline.
     *
     * @return the rest, possibly empty
     */
    public String rest() {
        String rest = decode(pending, 0, pendingLength);
        pendingLength = 0;
        return rest;
    }

    private void append(byte[] array, int from, int to) {
        int length = to - from;
        if (pendingLength + length > maxLineLength) {
            throw new IllegalStateException("a line is longer than " + maxLineLength + " bytes");
        }
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(array, from, pending, pendingLength, length);
        pendingLength += length;
    }

    private static String decode(byte[] array, int from, int to) {
        int end = to > from && array[to - 1] == '\r' ? to - 1 : to;
        return new String(array, from, end - from, StandardCharsets.UTF_8);
    }
}
