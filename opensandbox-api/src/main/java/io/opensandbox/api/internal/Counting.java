package io.opensandbox.api.internal;

import io.opensandbox.api.spi.BlockingResponse;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.TransportResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * Counts the body bytes of an observed call as they pass, for streamed bodies whose length only the stream knows:
 * an upload's publisher, a download's or an event stream's body. Counting is all it does on the transport's
 * threads; the counts reach the listener with the call's end.
 */
final class Counting {
    private Counting() {}

    /**
     * A streamed request body that reports every buffer the transport takes.
     *
     * @param body the body (not repeatable)
     * @param observation where the bytes are counted
     * @return the counting body, with the same length, content type and buffer release
     */
    static RequestBody sent(RequestBody body, Observed observation) {
        Flow.Publisher<ByteBuffer> source = body.publisher();
        Flow.Publisher<ByteBuffer> counted = subscriber -> source.subscribe(new Counter(subscriber, observation, true));
        return RequestBody.ofPublisher(counted, body.contentLength(), body.contentType())
                .withBufferRelease(body::releaseBuffer);
    }

    /**
     * A response whose body reports every buffer it delivers.
     *
     * @param response the response
     * @param observation where the bytes are counted
     * @return the counting response; everything else is the response's own
     */
    static TransportResponse received(TransportResponse response, Observed observation) {
        return new TransportResponse() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public Map<String, List<String>> headers() {
                return response.headers();
            }

            @Override
            public Flow.Publisher<ByteBuffer> body() {
                Flow.Publisher<ByteBuffer> source = response.body();
                return subscriber -> source.subscribe(new Counter(subscriber, observation, false));
            }

            @Override
            public void releaseBuffer(ByteBuffer buffer) {
                response.releaseBuffer(buffer);
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }

    /**
     * A blocking response whose body stream reports every byte it delivers.
     *
     * @param response the response
     * @param observation where the bytes are counted
     * @return the counting response; everything else is the response's own
     */
    static BlockingResponse received(BlockingResponse response, Observed observation) {
        InputStream counted = new FilterInputStream(response.body()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    observation.received(1);
                }
                return b;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                int n = super.read(target, offset, length);
                if (n > 0) {
                    observation.received(n);
                }
                return n;
            }
        };
        return new BlockingResponse() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public Map<String, List<String>> headers() {
                return response.headers();
            }

            @Override
            public InputStream body() {
                return counted;
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }

    /** Passes everything through, counting the bytes of each buffer as it goes by. */
    private static final class Counter implements Flow.Subscriber<ByteBuffer> {
        private final Flow.Subscriber<? super ByteBuffer> downstream;
        private final Observed observation;
        private final boolean sending;

        Counter(Flow.Subscriber<? super ByteBuffer> downstream, Observed observation, boolean sending) {
            this.downstream = downstream;
            this.observation = observation;
            this.sending = sending;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (sending) {
                observation.sent(buffer.remaining());
            } else {
                observation.received(buffer.remaining());
            }
            downstream.onNext(buffer);
        }

        @Override
        public void onError(Throwable throwable) {
            downstream.onError(throwable);
        }

        @Override
        public void onComplete() {
            downstream.onComplete();
        }
    }
}
