package io.opensandbox.transport.httpclient5.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Set;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.jspecify.annotations.Nullable;

/** A request body held in memory, sent with a {@code Content-Length}. */
final class BytesEntity implements AsyncEntityProducer {
    private final ByteBuffer content;
    private final String contentType;
    private final long length;
    private boolean ended;

    BytesEntity(ByteBuffer content, String contentType) {
        this.content = content.duplicate();
        this.contentType = contentType;
        this.length = content.remaining();
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public void failed(Exception cause) {}

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public String getContentType() {
        return contentType;
    }

    @Override
    public @Nullable String getContentEncoding() {
        return null;
    }

    @Override
    public boolean isChunked() {
        return false;
    }

    @Override
    public Set<String> getTrailerNames() {
        return Collections.emptySet();
    }

    @Override
    public synchronized int available() {
        return ended ? 0 : Math.max(1, content.remaining());
    }

    @Override
    public synchronized void produce(DataStreamChannel channel) throws IOException {
        if (content.hasRemaining()) {
            channel.write(content);
        }
        if (!content.hasRemaining() && !ended) {
            ended = true;
            channel.endStream();
        }
    }

    @Override
    public void releaseResources() {}
}
