package io.opensandbox.api.internal.stream;

import io.opensandbox.api.spi.BlockingResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ByteSource} over the body of a {@linkplain io.opensandbox.api.spi.BlockingExchanges blocking exchange}:
 * each {@link #next()} reads from the connection on the calling thread into a buffer of its own, which a
 * {@link #release} hands back for the next read, so a whole download goes through one buffer. No queue and no
 * read-ahead beyond the transport's socket buffer: the reader's pace is the connection's. The idle timeout is the
 * transport's (each read of a blocking body waits at most that long); aborting the exchange, from any thread, goes
 * through the abort stage given to the exchange, not through this class. Single reader.
 */
public final class InputStreamSource implements ByteSource {
    /** Bytes asked of the connection per read. */
    static final int BUFFER_SIZE = 64 * 1024;

    private final BlockingResponse response;
    private final InputStream in;
    private @Nullable ByteBuffer spare;
    private boolean ended;

    /**
     * Reads a response's body.
     *
     * @param response the response, closed with this source
     */
    public InputStreamSource(BlockingResponse response) {
        this.response = response;
        this.in = response.body();
    }

    @Override
    public @Nullable ByteBuffer next() throws IOException {
        if (ended) {
            return null;
        }
        ByteBuffer buffer = spare;
        spare = null;
        if (buffer == null) {
            buffer = ByteBuffer.allocate(BUFFER_SIZE);
        }
        int n;
        do {
            n = in.read(buffer.array(), 0, BUFFER_SIZE);
        } while (n == 0);
        if (n < 0) {
            ended = true;
            spare = buffer;
            return null;
        }
        buffer.clear().limit(n);
        return buffer;
    }

    @Override
    public void release(ByteBuffer buffer) {
        if (buffer.capacity() == BUFFER_SIZE && buffer.hasArray() && !buffer.isReadOnly()) {
            spare = buffer;
        }
    }

    @Override
    public void close() {
        response.close();
    }
}
