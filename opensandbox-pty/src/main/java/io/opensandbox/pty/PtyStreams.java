package io.opensandbox.pty;

import io.opensandbox.api.SandboxException;
import io.opensandbox.api.internal.stream.BodyReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A session attached as a pair of streams, for code that wants streams: {@link #input()} reads the session's
 * output (replay, stdout and, in pipe mode, stderr, in the order they arrive), {@link #output()} writes to the
 * shell's input. {@link #connection()} resizes, signals and tells the exit code. Made by
 * {@link PtySession#attachStreams(AttachOptions)}.
 *
 * <p>Output is read from the network only as fast as {@link #input()} is read: a few pieces are buffered, no more.
 * The input stream ends (returns {@code -1}) when the shell exits or the connection is closed, and throws an
 * {@link IOException} (whose cause is the {@link SandboxException}) when the connection dropped or was taken over.
 * Closing either stream, or this object, closes the connection; the shell goes on until deleted or exited.
 */
public final class PtyStreams implements AutoCloseable {
    private final PtyConnection connection;
    private final InputStream input;
    private final OutputStream output;

    PtyStreams(PtyConnection connection, BodyReader reader) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.input = new Input(reader);
        this.output = new Output(connection);
    }

    /**
     * The session's output.
     *
     * @return the stream (not thread-safe, as any {@code InputStream})
     */
    public InputStream input() {
        return input;
    }

    /**
     * The shell's input; every write is sent at once ({@code flush} does nothing more).
     *
     * @return the stream
     */
    public OutputStream output() {
        return output;
    }

    /**
     * The connection behind the streams: resize, signals, offset, and {@link PtyConnection#disconnected()} for the
     * exit code.
     *
     * @return the connection
     */
    public PtyConnection connection() {
        return connection;
    }

    /** Closes the connection; the shell keeps running. Idempotent. */
    @Override
    public void close() {
        connection.close();
    }

    private static final class Input extends InputStream {
        private final BodyReader reader;
        private @Nullable ByteBuffer current;
        private boolean ended;

        Input(BodyReader reader) {
            this.reader = reader;
        }

        private boolean fill() throws IOException {
            while (current == null || !current.hasRemaining()) {
                if (ended) {
                    return false;
                }
                ByteBuffer next = reader.next();
                if (next == null) {
                    ended = true;
                    current = null;
                    return false;
                }
                current = next;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            ByteBuffer buffer = Objects.requireNonNull(current);
            return buffer.get() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            ByteBuffer buffer = Objects.requireNonNull(current);
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            ByteBuffer buffer = current;
            return buffer == null ? 0 : buffer.remaining();
        }

        @Override
        public void close() {
            ended = true;
            current = null;
            reader.close();
        }
    }

    private static final class Output extends OutputStream {
        private final PtyConnection connection;

        Output(PtyConnection connection) {
            this.connection = connection;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            try {
                connection.write(b, off, len);
            } catch (SandboxException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
