package io.opensandbox.api.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.spi.BlockingResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InputStreamSourceTest {

    /** A response whose body is the given stream, counting closes. */
    private static final class FakeResponse implements BlockingResponse {
        final AtomicInteger closes = new AtomicInteger();
        private final InputStream body;

        FakeResponse(InputStream body) {
            this.body = body;
        }

        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public Map<String, List<String>> headers() {
            return Map.of();
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    @Test
    void deliversTheWholeBody_throughOneBufferWhenEachIsGivenBack() throws IOException {
        byte[] content = content(5 * InputStreamSource.BUFFER_SIZE + 123);
        InputStreamSource source = new InputStreamSource(new FakeResponse(new ByteArrayInputStream(content)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer first = null;
        for (ByteBuffer buffer = source.next(); buffer != null; buffer = source.next()) {
            if (first == null) {
                first = buffer;
            }
            assertThat(buffer).isSameAs(first);
            out.write(buffer.array(), buffer.position(), buffer.remaining());
            source.release(buffer);
        }
        assertThat(out.toByteArray()).isEqualTo(content);
        assertThat(source.next()).as("still at the end").isNull();
    }

    @Test
    void aBufferNotGivenBack_isNeverOverwritten() throws IOException {
        byte[] content = content(3 * InputStreamSource.BUFFER_SIZE);
        InputStreamSource source = new InputStreamSource(new FakeResponse(new ByteArrayInputStream(content)));
        ByteBuffer kept = source.next();
        assertThat(kept).isNotNull();
        byte[] keptBytes = new byte[kept.remaining()];
        kept.duplicate().get(keptBytes);
        ByteBuffer second = source.next();
        assertThat(second).isNotNull().isNotSameAs(kept);
        assertThat(kept.duplicate().array()).startsWith(keptBytes);
        source.release(ByteBuffer.allocate(10)); // a foreign buffer is not taken for reuse
        ByteBuffer third = source.next();
        assertThat(third).isNotNull();
        assertThat(third.capacity()).isEqualTo(InputStreamSource.BUFFER_SIZE);
    }

    @Test
    void readFailures_reachTheReader_andCloseClosesTheResponse() throws IOException {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("connection reset");
            }
        };
        FakeResponse response = new FakeResponse(broken);
        InputStreamSource source = new InputStreamSource(response);
        assertThatThrownBy(source::next).isInstanceOf(IOException.class).hasMessage("connection reset");
        source.close();
        assertThat(response.closes).hasValue(1);
    }
}
