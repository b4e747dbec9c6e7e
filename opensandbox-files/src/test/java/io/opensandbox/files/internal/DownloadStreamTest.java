package io.opensandbox.files.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.TransportResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class DownloadStreamTest {

    /** A response whose body is fed by hand; records the buffers given back. */
    private static final class FakeResponse implements TransportResponse {
        final List<ByteBuffer> released = new ArrayList<>();

        @Override
        public int statusCode() {
            return 200;
        }

        @Override
        public Map<String, List<String>> headers() {
            return Map.of();
        }

        @Override
        public Flow.Publisher<ByteBuffer> body() {
            throw new UnsupportedOperationException("fed by hand");
        }

        @Override
        public void releaseBuffer(ByteBuffer buffer) {
            released.add(buffer);
        }

        @Override
        public void close() {}
    }

    private static List<ByteBuffer> feed(BodyBuffers body, String... parts) {
        body.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
        List<ByteBuffer> buffers = new ArrayList<>();
        for (String part : parts) {
            ByteBuffer buffer = ByteBuffer.wrap(part.getBytes(StandardCharsets.US_ASCII));
            buffers.add(buffer);
            body.onNext(buffer);
        }
        body.onComplete();
        return buffers;
    }

    private static DownloadStream stream(BodyBuffers body, FakeResponse response) {
        return new DownloadStream(
                body, response, new Transfer("download of /x", null), "download of /x", (done, total) -> {}, 9, 0, -1);
    }

    @Test
    void readingThroughABuffer_givesItBackBeforeTakingTheNext() throws Exception {
        BodyBuffers body = new BodyBuffers(4, null);
        FakeResponse response = new FakeResponse();
        List<ByteBuffer> buffers = feed(body, "abc", "def", "ghi");

        try (DownloadStream in = stream(body, response)) {
            byte[] two = new byte[2];
            assertThat(in.read(two)).isEqualTo(2);
            assertThat(response.released)
                    .as("the first buffer still has a byte to read")
                    .isEmpty();
            assertThat(in.read(two)).isEqualTo(1);
            assertThat(in.read(two)).isEqualTo(2);
            assertThat(response.released).containsExactly(buffers.get(0));
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("fghi");
            assertThat(response.released).containsExactly(buffers.get(0), buffers.get(1), buffers.get(2));
        }
    }

    @Test
    void buffersHandedOut_areReleasedOnlyByTheirTaker() throws Exception {
        BodyBuffers body = new BodyBuffers(4, null);
        FakeResponse response = new FakeResponse();
        feed(body, "abc", "def", "ghi");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        try (DownloadStream in = stream(body, response)) {
            for (ByteBuffer buffer = in.nextBuffer(); buffer != null; buffer = in.nextBuffer()) {
                assertThat(response.released).doesNotContain(buffer);
                out.write(buffer.array(), buffer.position(), buffer.remaining());
                in.release(buffer);
            }
        }
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("abcdefghi");
        assertThat(response.released).hasSize(3);
    }
}
