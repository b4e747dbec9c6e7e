package io.opensandbox.files.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The segments of a multipart body read as one stream, opening each source only when it is reached. Content of a
 * known length is checked: a source that ends early or holds more bytes fails the read, so a short or long file
 * can never be sent under a wrong {@code Content-Length}. Content bytes are counted for progress. Closing closes
 * the current source and every stream source not yet reached.
 */
public final class PartsInputStream extends InputStream {
    private final List<Segment> segments;
    private final LongConsumer contentProgress;
    private final Runnable onEnd;
    private int index = -1;
    private @Nullable InputStream current;
    private long currentRead;
    private long contentDone;
    private volatile boolean ended;
    private boolean closed;
    private volatile @Nullable Exception failure;

    /**
     * Creates the stream.
     *
     * @param segments the body's segments
     * @param contentProgress told the running total of content bytes read
     */
    public PartsInputStream(List<Segment> segments, LongConsumer contentProgress) {
        this(segments, contentProgress, () -> {});
    }

    /**
     * Creates the stream with an action for its end.
     *
     * @param segments the body's segments
     * @param contentProgress told the running total of content bytes read
     * @param onEnd run once, on the reading thread, when the last byte of the body was read
     */
    public PartsInputStream(List<Segment> segments, LongConsumer contentProgress, Runnable onEnd) {
        this.segments = List.copyOf(segments);
        this.contentProgress = contentProgress;
        this.onEnd = onEnd;
    }

    /**
     * Whether the whole body was read to its end.
     *
     * @return {@code true} once the last byte was read
     */
    public boolean ended() {
        return ended;
    }

    /**
     * The failure reading a content source, if one happened.
     *
     * @return the failure, or {@code null}
     */
    public @Nullable Exception failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] target, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (length == 0) {
            return 0;
        }
        try {
            while (true) {
                InputStream in = current;
                if (in == null) {
                    if (!next()) {
                        if (!ended) {
                            ended = true;
                            onEnd.run();
                        }
                        return -1;
                    }
                    continue;
                }
                Segment segment = segments.get(index);
                int want = length;
                if (segment.length >= 0) {
                    long left = segment.length - currentRead;
                    if (left == 0) {
                        checkNoMore(in, segment);
                        finishCurrent();
                        continue;
                    }
                    want = (int) Math.min(want, left);
                }
                int n = in.read(target, offset, want);
                if (n < 0) {
                    if (segment.length >= 0 && currentRead != segment.length) {
                        throw new IOException("the content for " + segment.path + " ended after " + currentRead
                                + " of the " + segment.length + " bytes announced; the upload was aborted");
                    }
                    finishCurrent();
                    continue;
                }
                currentRead += n;
                if (segment.isContent()) {
                    contentDone += n;
                    contentProgress.accept(contentDone);
                }
                return n;
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    private void checkNoMore(InputStream in, Segment segment) throws IOException {
        if (segment.isContent() && in.read() >= 0) {
            throw new IOException("the content for " + segment.path + " holds more than the " + segment.length
                    + " bytes announced (did the file grow?); the upload was aborted");
        }
    }

    private boolean next() throws IOException {
        if (index + 1 >= segments.size()) {
            return false;
        }
        index++;
        currentRead = 0;
        current = segments.get(index).open();
        return true;
    }

    private void finishCurrent() throws IOException {
        InputStream in = current;
        current = null;
        if (in != null) {
            in.close();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        try {
            finishCurrent();
        } catch (IOException e) {
            first = e;
        }
        for (int i = index + 1; i < segments.size(); i++) {
            if (segments.get(i).source instanceof InputStream stream) {
                try {
                    stream.close();
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** One piece of the body: framing bytes or a content source. */
    public static final class Segment {
        private final Object source;
        private final long length;
        private final @Nullable String path;

        private Segment(Object source, long length, @Nullable String path) {
            this.source = source;
            this.length = length;
            this.path = path;
        }

        /**
         * Framing bytes.
         *
         * @param bytes the bytes
         * @return the segment
         */
        public static Segment bytes(byte[] bytes) {
            return new Segment(bytes, bytes.length, null);
        }

        /**
         * File content.
         *
         * @param source a {@code byte[]}, a {@link Path} or an {@link InputStream}
         * @param length the exact length, or {@code -1} when unknown
         * @param path the target path, for messages
         * @return the segment
         */
        public static Segment content(Object source, long length, String path) {
            if (!(source instanceof byte[] || source instanceof Path || source instanceof InputStream)) {
                throw new IllegalArgumentException("unsupported content source " + source.getClass());
            }
            return new Segment(source, length, path);
        }

        private boolean isContent() {
            return path != null;
        }

        private InputStream open() throws IOException {
            if (source instanceof byte[] bytes) {
                return new ByteArrayInputStream(bytes);
            }
            if (source instanceof Path file) {
                return Files.newInputStream(file);
            }
            return (InputStream) source;
        }
    }
}
