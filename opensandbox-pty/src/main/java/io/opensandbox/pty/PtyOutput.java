package io.opensandbox.pty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A piece of a session's output, with its place in the session's output as a whole. Immutable: {@link #data()} is
 * a read-only view.
 *
 * <p>Offsets count every output byte the session produced (stdout and stderr together, in the order execd saw
 * them), from 0; {@code offset() + size()} is the offset of what follows. Bytes are as the shell wrote them: a
 * multi-byte character may be split between two pieces, so decode a stream of pieces with a
 * {@link java.nio.charset.CharsetDecoder}, or use {@link PtyStreams}.
 */
public final class PtyOutput {
    private final PtyChannel channel;
    private final long offset;
    private final ByteBuffer data;

    private PtyOutput(PtyChannel channel, long offset, ByteBuffer data) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.offset = offset;
        this.data = data.asReadOnlyBuffer();
    }

    /**
     * A piece of output (for tests of listeners; the SDK makes these itself).
     *
     * @param channel where it came from
     * @param offset the offset of its first byte
     * @param data its bytes, not copied: do not change them afterwards
     * @return the output
     */
    public static PtyOutput of(PtyChannel channel, long offset, ByteBuffer data) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be at least 0: " + offset);
        }
        return new PtyOutput(channel, offset, data);
    }

    /**
     * Where the bytes came from.
     *
     * @return the channel
     */
    public PtyChannel channel() {
        return channel;
    }

    /**
     * The offset of the first byte in the session's output.
     *
     * @return the offset
     */
    public long offset() {
        return offset;
    }

    /**
     * The number of bytes.
     *
     * @return the size
     */
    public int size() {
        return data.remaining();
    }

    /**
     * The bytes, as a read-only view positioned at the first.
     *
     * @return a new view
     */
    public ByteBuffer data() {
        return data.duplicate();
    }

    /**
     * The bytes, copied.
     *
     * @return a new array
     */
    public byte[] bytes() {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    /**
     * The bytes decoded as UTF-8 (a character split between pieces decodes as replacement characters).
     *
     * @return the text
     */
    public String text() {
        return StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }

    @Override
    public String toString() {
        return "PtyOutput[" + channel + ", offset=" + offset + ", size=" + size() + "]";
    }
}
