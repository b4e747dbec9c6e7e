package io.opensandbox.files.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.internal.stream.BodyReader;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
            // subscribed to, then fed by hand
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
        }

        @Override
        public void releaseBuffer(ByteBuffer buffer) {
            released.add(buffer);
        }

        @Override
        public void close() {}
    }

    /** A lease on a transport that is never used: the transfer only takes its timer. */
    private static final Transports.Lease LEASE = Transports.lease(ConnectionConfig.builder()
            .domain("127.0.0.1:1")
            .transport(new Transport() {
                @Override
                public CompletableFuture<TransportResponse> send(TransportRequest request) {
                    throw new UnsupportedOperationException("not used");
                }

                @Override
                public String name() {
                    return "unused";
                }

                @Override
                public void close() {}
            })
            .build());

    private static List<ByteBuffer> feed(BodyReader body, FakeResponse response, String... parts) {
        body.subscribeTo(response);
        List<ByteBuffer> buffers = new ArrayList<>();
        for (String part : parts) {
            ByteBuffer buffer = ByteBuffer.wrap(part.getBytes(StandardCharsets.US_ASCII));
            buffers.add(buffer);
            body.onNext(buffer);
        }
        body.onComplete();
        return buffers;
    }

    private static DownloadStream stream(BodyReader body, FakeResponse response) {
        return new DownloadStream(
                body,
                response::close,
                new Transfer("download of /x", null, LEASE),
                "download of /x",
                (done, total) -> {},
                9,
                0,
                -1);
    }

    @Test
    void readingThroughABuffer_givesItBackBeforeTakingTheNext() throws Exception {
        BodyReader body = new BodyReader(4, 1);
        FakeResponse response = new FakeResponse();
        List<ByteBuffer> buffers = feed(body, response, "abc", "def", "ghi");

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
        BodyReader body = new BodyReader(4, 1);
        FakeResponse response = new FakeResponse();
        feed(body, response, "abc", "def", "ghi");
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
