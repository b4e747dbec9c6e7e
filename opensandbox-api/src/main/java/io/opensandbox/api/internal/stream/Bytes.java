package io.opensandbox.api.internal.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time (SWAR: a {@code long} read from the array, then bit arithmetic that flags the
 * matching bytes). In every flag word the lowest flagged byte is an exact match (a false positive can only sit above
 * a true one), which is the only byte these searches use.
 */
final class Bytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;

    private Bytes() {}

    /**
     * The index of the first {@code '\n'} in a range.
     *
     * @param b the bytes
     * @param from the first index
     * @param to the index after the last
     * @return the index, or -1
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long flags = (x - ONES) & ~x & HIGH_BITS;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first byte in a range that matters inside a JSON string: a quote, a backslash or a control
     * character (below 0x20). Bytes of multi-byte UTF-8 characters (0x80 and up) never match.
     *
     * @param b the bytes
     * @param from the first index
     * @param to the index after the last
     * @return the index, or {@code to} if there is none
     */
    static int indexOfStringSpecial(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i);
            long quotes = x ^ QUOTES;
            long backslashes = x ^ BACKSLASHES;
            long flags = (((quotes - ONES) & ~quotes) | ((backslashes - ONES) & ~backslashes) | ((x - SPACES) & ~x))
                    & HIGH_BITS;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                return i;
            }
        }
        return to;
    }
}
