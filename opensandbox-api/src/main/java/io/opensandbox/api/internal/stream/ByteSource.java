package io.opensandbox.api.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A response body pulled buffer by buffer on the calling thread, whichever way the transport delivers it: through
 * the {@link BodyReader}'s queue (bodies an I/O thread pushes) or straight from a blocking body
 * ({@link InputStreamSource}).
 */
public interface ByteSource {

    /**
     * The next buffer, owned by the caller until given back with {@link #release}; waits for one.
     *
     * @return the buffer, or {@code null} at the normal end of the body
     * @throws IOException if the body failed, timed out, was closed or the thread was interrupted
     */
    @Nullable
    ByteBuffer next() throws IOException;

    /**
     * Gives a buffer taken with {@link #next()} back for reuse; the caller must not touch it afterwards.
     *
     * @param buffer the buffer
     */
    void release(ByteBuffer buffer);

    /** Ends the body: one not read to its end is aborted. Idempotent. */
    void close();
}
