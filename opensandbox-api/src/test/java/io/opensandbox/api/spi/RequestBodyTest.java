package io.opensandbox.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
    private static final Flow.Publisher<ByteBuffer> NOTHING = subscriber -> {};

    @Test
    void releaseBuffer_withoutAReceiver_doesNothing() {
        RequestBody body = RequestBody.ofPublisher(NOTHING, -1, "application/octet-stream");

        body.releaseBuffer(ByteBuffer.allocate(4)); // no receiver: nothing to call, nothing thrown
        assertThat(body.publisher()).isSameAs(NOTHING);
    }

    @Test
    void withBufferRelease_keepsTheContent_andHandsReleasedBuffersToTheReceiver() {
        List<ByteBuffer> released = new ArrayList<>();
        RequestBody plain = RequestBody.ofPublisher(NOTHING, 10, "text/plain");

        RequestBody body = plain.withBufferRelease(released::add);
        ByteBuffer buffer = ByteBuffer.allocate(4);
        body.releaseBuffer(buffer);
        plain.releaseBuffer(ByteBuffer.allocate(4));

        assertThat(released).containsExactly(buffer);
        assertThat(body.publisher()).isSameAs(NOTHING);
        assertThat(body.contentLength()).isEqualTo(10);
        assertThat(body.contentType()).isEqualTo("text/plain");
        assertThat(body.isRepeatable()).isFalse();
    }

    @Test
    void withBufferRelease_onAnInMemoryBody_isRefused() {
        RequestBody bytes = RequestBody.ofBytes(new byte[] {1, 2}, "application/json");

        assertThatThrownBy(() -> bytes.withBufferRelease(buffer -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in-memory");
    }
}
