package io.opensandbox.testkit.internal;

/**
 * The output a PTY session keeps for replay, as execd's {@code replay_buffer.go}: a ring of the last {@link #SIZE}
 * bytes and a monotonic count of every byte ever written; the byte at absolute offset {@code o} sits at {@code o %
 * size}.
 */
final class ReplayBuffer {
    /** execd's {@code replayBufferSize}: 1 MiB. */
    static final int SIZE = 1 << 20;

    private final byte[] buf;
    private long total;

    ReplayBuffer() {
        this(SIZE);
    }

    ReplayBuffer(int size) {
        this.buf = new byte[size];
    }

    /** Appends {@code len} bytes, dropping the oldest when the ring is full. */
    synchronized void write(byte[] data, int off, int len) {
        int size = buf.length;
        int from = off;
        int n = len;
        if (n >= size) {
            total += n - size;
            from += n - size;
            n = size;
        }
        int head = (int) (total % size);
        int first = Math.min(n, size - head);
        System.arraycopy(data, from, buf, head, first);
        System.arraycopy(data, from + first, buf, 0, n - first);
        total += n;
    }

    /** Every byte ever written (the next byte's offset); {@code output_offset} of {@code GET /pty/{id}}. */
    synchronized long total() {
        return total;
    }

    /** What {@link #readFrom} returns: the bytes and the offset of the first one. */
    static final class Slice {
        private final byte[] data;
        private final long offset;

        Slice(byte[] data, long offset) {
            this.data = data;
            this.offset = offset;
        }

        /** The bytes (owned by the caller). */
        byte[] data() {
            return data;
        }

        long offset() {
            return offset;
        }
    }

    /**
     * The bytes from {@code offset} on: none (at {@link #total}) when {@code offset >= total}; from the oldest retained
     * byte when {@code offset} was already dropped (negative offsets included).
     */
    synchronized Slice readFrom(long offset) {
        if (offset >= total) {
            return new Slice(new byte[0], total);
        }
        int size = buf.length;
        long from = Math.max(offset, Math.max(0, total - size));
        int count = (int) (total - from);
        byte[] out = new byte[count];
        int start = (int) (from % size);
        int first = Math.min(count, size - start);
        System.arraycopy(buf, start, out, 0, first);
        System.arraycopy(buf, 0, out, first, count - first);
        return new Slice(out, from);
    }
}
