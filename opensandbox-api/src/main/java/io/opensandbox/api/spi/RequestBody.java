package io.opensandbox.api.spi;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The body of a {@link TransportRequest}: either bytes in memory (small JSON) or a stream of buffers of known or
 * unknown length (uploads), which a transport sends as it is produced, honouring backpressure.
 *
 * <p><b>Buffer ownership.</b> A buffer the publisher passes to {@code onNext} belongs to the transport from then on.
 * A streamed body may {@linkplain #withBufferRelease(Consumer) ask for its buffers back}: a transport that knows
 * when it is done with a buffer (its bytes were handed to the network stack, or dropped on failure) then calls
 * {@link #releaseBuffer(ByteBuffer)} once for it and never touches it again, so the publisher can fill the same
 * memory with the next bytes instead of allocating. A transport that cannot tell never calls it; the publisher then
 * allocates, and nothing else changes.
 */
public final class RequestBody {
    private final String contentType;
    private final long contentLength;
    private final byte @Nullable [] bytes;
    private final Flow.@Nullable Publisher<ByteBuffer> publisher;
    private final @Nullable Consumer<ByteBuffer> release;

    private RequestBody(
            String contentType,
            long contentLength,
            byte @Nullable [] bytes,
            Flow.@Nullable Publisher<ByteBuffer> publisher,
            @Nullable Consumer<ByteBuffer> release) {
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.contentLength = contentLength;
        this.bytes = bytes;
        this.publisher = publisher;
        this.release = release;
    }

    /**
     * A body held in memory. The array is not copied and must not change afterwards.
     *
     * @param bytes the content
     * @param contentType the {@code Content-Type}
     * @return the body
     */
    public static RequestBody ofBytes(byte[] bytes, String contentType) {
        return new RequestBody(contentType, bytes.length, bytes, null, null);
    }

    /**
     * A streamed body. A transport subscribes once and sends each buffer as it arrives; with an unknown length
     * it uses chunked transfer encoding.
     *
     * @param publisher the content
     * @param contentLength the length in bytes, or {@code -1} when unknown
     * @param contentType the {@code Content-Type}
     * @return the body
     */
    public static RequestBody ofPublisher(
            Flow.Publisher<ByteBuffer> publisher, long contentLength, String contentType) {
        Objects.requireNonNull(publisher, "publisher");
        if (contentLength < -1) {
            throw new IllegalArgumentException("contentLength must be -1 (unknown) or positive");
        }
        return new RequestBody(contentType, contentLength, null, publisher, null);
    }

    /**
     * This streamed body with a receiver for the buffers a transport is done with (see the class description). The
     * receiver is called from the transport's threads, at most once per buffer, possibly concurrently with the
     * publisher's own signals; it must be quick and must not throw.
     *
     * @param release takes back a buffer the transport will not touch again
     * @return a new body with the same content, length and type
     * @throws IllegalStateException for an in-memory body, whose one buffer is never reused
     */
    public RequestBody withBufferRelease(Consumer<ByteBuffer> release) {
        Objects.requireNonNull(release, "release");
        if (publisher == null) {
            throw new IllegalStateException("an in-memory body has no buffers to release");
        }
        return new RequestBody(contentType, contentLength, null, publisher, release);
    }

    /**
     * Gives a buffer back to the publisher; called by a transport once it will not touch the buffer again, at most
     * once per buffer the publisher delivered. Does nothing when the body did not ask for its buffers back.
     *
     * @param buffer a buffer the publisher delivered
     */
    public void releaseBuffer(ByteBuffer buffer) {
        Consumer<ByteBuffer> receiver = release;
        if (receiver != null) {
            receiver.accept(buffer);
        }
    }

    /**
     * The {@code Content-Type} of the body.
     *
     * @return the content type
     */
    public String contentType() {
        return contentType;
    }

    /**
     * The length in bytes, or {@code -1} when unknown.
     *
     * @return the length
     */
    public long contentLength() {
        return contentLength;
    }

    /**
     * The content, when it is held in memory; a read-only view.
     *
     * @return the bytes, or empty for a streamed body
     */
    public Optional<ByteBuffer> bytes() {
        byte[] content = bytes;
        return content == null
                ? Optional.empty()
                : Optional.of(ByteBuffer.wrap(content).asReadOnlyBuffer());
    }

    /**
     * The content as a publisher; for an in-memory body a publisher of one buffer.
     *
     * @return the publisher
     */
    public Flow.Publisher<ByteBuffer> publisher() {
        Flow.Publisher<ByteBuffer> streamed = publisher;
        if (streamed != null) {
            return streamed;
        }
        byte[] content = Objects.requireNonNull(bytes);
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public synchronized void request(long n) {
                if (done) {
                    return;
                }
                done = true;
                if (n <= 0) {
                    subscriber.onError(new IllegalArgumentException("demand must be positive"));
                    return;
                }
                subscriber.onNext(ByteBuffer.wrap(content).asReadOnlyBuffer());
                subscriber.onComplete();
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }

    /**
     * Whether the body can be sent again (an in-memory body can, a stream cannot).
     *
     * @return whether the body can be replayed for a retry
     */
    public boolean isRepeatable() {
        return bytes != null;
    }

    @Override
    public String toString() {
        return "RequestBody{" + contentType + ", " + (contentLength < 0 ? "unknown length" : contentLength + " bytes")
                + "}";
    }
}
