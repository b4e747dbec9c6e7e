package io.opensandbox.commands.internal;

import io.opensandbox.commands.OutputMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import java.util.stream.Collectors;

/**
 * The lines of one output stream kept for an {@code Execution}, stored compactly: the text as UTF-8 in 64 KiB pages,
 * and per line only where its bytes are, how many, and the timestamp in milliseconds ({@link #LINE_OVERHEAD} bytes),
 * in blocks of 1,024 lines so that growing never copies what is stored. A three-million-line output would otherwise
 * cost an {@code OutputMessage}, a {@code String} and its array per line, five to ten times the text.
 *
 * <p>Appending is for one thread; {@link #snapshot()} returns an immutable list over the lines stored so far, which
 * later appends never change (they only write past it).
 */
public final class RetainedLines {
    /** The bytes each line costs besides its text: position (8), timestamp (8) and length (4). */
    public static final int LINE_OVERHEAD = 20;

    private static final int PAGE = 64 * 1024;
    private static final int BLOCK = 1024;

    private final boolean isError;
    private byte[][] pages = new byte[1][];
    private int pageCount;
    private int openPage = -1; // the page short lines go to; none yet
    private int pageUsed;
    private long[][] positions = new long[1][];
    private long[][] millis = new long[1][];
    private int[][] lengths = new int[1][];
    private int size;

    /**
     * Creates an empty store.
     *
     * @param isError whether the lines are stderr
     */
    public RetainedLines(boolean isError) {
        this.isError = isError;
    }

    /**
     * The bytes a line costs in this store: its UTF-8 length plus {@link #LINE_OVERHEAD}.
     *
     * @param utf8Length the length of the line's text in UTF-8
     * @return the cost
     */
    public static long cost(int utf8Length) {
        return (long) utf8Length + LINE_OVERHEAD;
    }

    /**
     * Appends a line.
     *
     * @param utf8 the text as UTF-8
     * @param epochMillis the timestamp
     */
    public void add(byte[] utf8, long epochMillis) {
        int length = utf8.length;
        int page;
        int offset;
        if (length > PAGE / 4) {
            page = newPage(length); // a long line gets a page of its own, exactly its size
            offset = 0;
        } else {
            if (openPage < 0 || PAGE - pageUsed < length) {
                openPage = newPage(PAGE);
                pageUsed = 0;
            }
            page = openPage;
            offset = pageUsed;
            pageUsed += length;
        }
        System.arraycopy(utf8, 0, pages[page], offset, length);
        int block = size / BLOCK;
        int slot = size % BLOCK;
        if (slot == 0) {
            if (block == positions.length) {
                int grown = block * 2;
                positions = Arrays.copyOf(positions, grown);
                millis = Arrays.copyOf(millis, grown);
                lengths = Arrays.copyOf(lengths, grown);
            }
            positions[block] = new long[BLOCK];
            millis[block] = new long[BLOCK];
            lengths[block] = new int[BLOCK];
        }
        positions[block][slot] = ((long) page << 32) | offset;
        millis[block][slot] = epochMillis;
        lengths[block][slot] = length;
        size++;
    }

    private int newPage(int capacity) {
        if (pageCount == pages.length) {
            pages = Arrays.copyOf(pages, pageCount * 2);
        }
        pages[pageCount] = new byte[capacity];
        return pageCount++;
    }

    /**
     * How many lines are stored.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * An immutable list of the lines stored so far; each {@code get} makes its {@link OutputMessage} afresh.
     *
     * @return the list
     */
    public List<OutputMessage> snapshot() {
        return new Snapshot(
                isError,
                Arrays.copyOf(pages, pageCount),
                Arrays.copyOf(positions, positions.length),
                Arrays.copyOf(millis, millis.length),
                Arrays.copyOf(lengths, lengths.length),
                size);
    }

    private static final class Snapshot extends AbstractList<OutputMessage> implements RandomAccess {
        private final boolean isError;
        private final byte[][] pages;
        private final long[][] positions;
        private final long[][] millis;
        private final int[][] lengths;
        private final int size;

        Snapshot(boolean isError, byte[][] pages, long[][] positions, long[][] millis, int[][] lengths, int size) {
            this.isError = isError;
            this.pages = pages;
            this.positions = positions;
            this.millis = millis;
            this.lengths = lengths;
            this.size = size;
        }

        @Override
        public OutputMessage get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("line " + index + " of " + size);
            }
            long position = positions[index / BLOCK][index % BLOCK];
            String text = new String(
                    pages[(int) (position >>> 32)],
                    (int) position,
                    lengths[index / BLOCK][index % BLOCK],
                    StandardCharsets.UTF_8);
            return new OutputMessage(text, Instant.ofEpochMilli(millis[index / BLOCK][index % BLOCK]), isError);
        }

        @Override
        public int size() {
            return size;
        }

        /** The texts joined with {@code \n}, built from the stored bytes without a message per line. */
        String joined() {
            long total = Math.max(0, size - 1L);
            for (int i = 0; i < size; i++) {
                total += lengths[i / BLOCK][i % BLOCK];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("the output is too long for one String: " + total + " bytes");
            }
            byte[] all = new byte[(int) total];
            int at = 0;
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    all[at++] = '\n';
                }
                long position = positions[i / BLOCK][i % BLOCK];
                int length = lengths[i / BLOCK][i % BLOCK];
                System.arraycopy(pages[(int) (position >>> 32)], (int) position, all, at, length);
                at += length;
            }
            return new String(all, StandardCharsets.UTF_8);
        }
    }

    /**
     * The lines of a list joined with {@code \n}: from the stored bytes for a {@link #snapshot()}, else line by line.
     *
     * @param lines the lines
     * @return the text, empty when there are none
     */
    public static String join(List<OutputMessage> lines) {
        if (lines instanceof Snapshot snapshot) {
            return snapshot.joined();
        }
        return lines.stream().map(OutputMessage::text).collect(Collectors.joining("\n"));
    }
}
