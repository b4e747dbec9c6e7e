package io.opensandbox.transport.httpclient5.internal;

import io.opensandbox.api.spi.TransportResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/** A response whose headers arrived; its body streams from a {@link ResponseBody}. */
final class Response implements TransportResponse {
    private final int statusCode;
    private final Map<String, List<String>> headers;
    private final ResponseBody body;

    Response(int statusCode, Map<String, List<String>> headers, ResponseBody body) {
        this.statusCode = statusCode;
        this.headers = headers;
        this.body = body;
    }

    @Override
    public int statusCode() {
        return statusCode;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public Flow.Publisher<ByteBuffer> body() {
        return body;
    }

    @Override
    public void releaseBuffer(ByteBuffer buffer) {
        body.release(buffer);
    }

    @Override
    public void close() {
        body.closeResponse();
    }

    @Override
    public String toString() {
        return "Response{" + statusCode + ", headers=" + headers.keySet() + "}";
    }
}
