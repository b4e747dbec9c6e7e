package io.opensandbox.transport.jdk.internal;

import io.opensandbox.api.internal.Timer;
import io.opensandbox.api.spi.TransportResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/** A response whose headers arrived; its body streams through a {@link ResponseBody}. */
final class JdkResponse implements TransportResponse {
    private final int status;
    private final Map<String, List<String>> headers;
    private final ResponseBody body;

    JdkResponse(HttpResponse.ResponseInfo response, @Nullable Duration idle, Timer timer, Exchange exchange) {
        this.status = response.statusCode();
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> copy.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = new ResponseBody(idle, timer, exchange::finish);
    }

    /**
     * The subscriber the JDK client delivers the body to.
     *
     * @return the subscriber
     */
    HttpResponse.BodySubscriber<Void> jdkSubscriber() {
        return body.jdkSubscriber();
    }

    @Override
    public int statusCode() {
        return status;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public Flow.Publisher<ByteBuffer> body() {
        return body;
    }

    /**
     * Aborts the body with a reason.
     *
     * @param reason what the subscriber sees
     */
    void abort(IOException reason) {
        body.abort(reason);
    }

    @Override
    public void close() {
        body.abort(new IOException("the response was closed before its body was read"));
    }

    @Override
    public String toString() {
        return "JdkResponse{" + status + ", headers=" + headers.keySet() + "}";
    }
}
