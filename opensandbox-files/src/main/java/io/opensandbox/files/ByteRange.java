package io.opensandbox.files;

import io.opensandbox.api.InvalidArgumentException;
import java.util.OptionalLong;

/**
 * A range of bytes of a file, for ranged reads ({@code Range: bytes=...}). Immutable.
 *
 * <ul>
 *   <li>{@link #of(long, long)}: bytes {@code first} to {@code last}, both included ({@code bytes=0-1023});
 *   <li>{@link #from(long)}: from an offset to the end ({@code bytes=1024-}), for resuming a download;
 *   <li>{@link #lastBytes(long)}: the final {@code n} bytes ({@code bytes=-500}).
 * </ul>
 */
public final class ByteRange {
    private final long first;
    private final long last;
    private final long suffix;

    private ByteRange(long first, long last, long suffix) {
        this.first = first;
        this.last = last;
        this.suffix = suffix;
    }

    /**
     * Bytes {@code first} to {@code last}, both included.
     *
     * @param first the offset of the first byte, zero or more
     * @param last the offset of the last byte, at least {@code first}
     * @return the range
     * @throws InvalidArgumentException if an offset is negative or {@code last < first}
     */
    public static ByteRange of(long first, long last) {
        if (first < 0 || last < first) {
            throw new InvalidArgumentException(
                    "byte range needs 0 <= first <= last (both included), got " + first + "-" + last, null);
        }
        return new ByteRange(first, last, -1);
    }

    /**
     * From an offset to the end of the file.
     *
     * @param first the offset of the first byte, zero or more
     * @return the range
     * @throws InvalidArgumentException if the offset is negative
     */
    public static ByteRange from(long first) {
        if (first < 0) {
            throw new InvalidArgumentException("byte range offset must not be negative, got " + first, null);
        }
        return new ByteRange(first, -1, -1);
    }

    /**
     * The last {@code count} bytes of the file (all of it when it is shorter).
     *
     * @param count how many bytes, at least 1
     * @return the range
     * @throws InvalidArgumentException if {@code count} is not positive
     */
    public static ByteRange lastBytes(long count) {
        if (count < 1) {
            throw new InvalidArgumentException("byte range suffix length must be at least 1, got " + count, null);
        }
        return new ByteRange(-1, -1, count);
    }

    /**
     * The offset of the first byte; empty for a {@link #lastBytes(long) suffix} range.
     *
     * @return the first offset
     */
    public OptionalLong first() {
        return first < 0 ? OptionalLong.empty() : OptionalLong.of(first);
    }

    /**
     * The offset of the last byte, included; empty when the range runs to the end of the file.
     *
     * @return the last offset
     */
    public OptionalLong last() {
        return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /**
     * The length of a {@link #lastBytes(long) suffix} range; empty for other ranges.
     *
     * @return the suffix length
     */
    public OptionalLong suffixLength() {
        return suffix < 0 ? OptionalLong.empty() : OptionalLong.of(suffix);
    }

    /**
     * The number of bytes the range covers when that is known without the file's size.
     *
     * @return the length, or empty for an open range
     */
    public OptionalLong length() {
        if (suffix >= 0) {
            return OptionalLong.empty();
        }
        return last < 0 ? OptionalLong.empty() : OptionalLong.of(last - first + 1);
    }

    /**
     * The value of the HTTP {@code Range} header: {@code bytes=0-1023}, {@code bytes=1024-} or {@code bytes=-500}.
     *
     * @return the header value
     */
    public String toHeaderValue() {
        if (suffix >= 0) {
            return "bytes=-" + suffix;
        }
        return "bytes=" + first + "-" + (last < 0 ? "" : Long.toString(last));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ByteRange that && first == that.first && last == that.last && suffix == that.suffix;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(first) * 31 * 31 + Long.hashCode(last) * 31 + Long.hashCode(suffix);
    }

    @Override
    public String toString() {
        return toHeaderValue();
    }
}
